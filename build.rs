//! Packs the binary's relative relocations (`-z pack-relative-relocs`, DT_RELR)
//! when building natively on a glibc that can load them (2.36 and later).
//!
//! Why: a position-independent Rust binary carries about 12,000 relative
//! relocations, 280 KiB of `.rela.dyn` that the loader reads at every start
//! and that then stays resident: a quarter of a MiB of whytop's 9 MiB budget.
//! Packed, they take a few KiB. An older glibc would refuse such a binary, so
//! without a glibc that says it is new enough (or when cross-compiling),
//! nothing changes; an older linker ignores the option.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let native = var("HOST") == var("TARGET");
    if var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" || !native {
        return;
    }
    if glibc_loads_relr() {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// `getconf GNU_LIBC_VERSION` says "glibc 2.36" or later.
fn glibc_loads_relr() -> bool {
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(version) = text.trim().strip_prefix("glibc ") else {
        return false;
    };
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    (major, minor) >= (2, 36)
}
