//! `struct rusage_info_v4` (`proc_pid_rusage(pid, RUSAGE_INFO_V4, ..)`), as
//! xnu's `bsd/sys/resource.h` lays it out: a 16-byte `ri_uuid`, then 35
//! `uint64_t` fields; the offsets of those whytop reads are below (the macOS
//! build asserts them against `libc::rusage_info_v4`). CPU times are Mach
//! absolute time units, `ri_billed_energy` nanojoules.

use super::qos::QosTimes;
use crate::platform::decode_error::DecodeError;

pub(crate) const RUSAGE_INFO_V4_SIZE: usize = 296;

/// Byte offsets of the fields read.
pub(crate) mod off {
    pub(crate) const PHYS_FOOTPRINT: usize = 72;
    pub(crate) const DISKIO_BYTESREAD: usize = 144;
    pub(crate) const DISKIO_BYTESWRITTEN: usize = 152;
    /// `ri_cpu_time_qos_default`, first of the seven QoS times.
    pub(crate) const CPU_TIME_QOS_DEFAULT: usize = 160;
    pub(crate) const CPU_TIME_QOS_USER_INTERACTIVE: usize = 208;
    pub(crate) const BILLED_ENERGY: usize = 264;
}

/// The fields of `rusage_info_v4` whytop shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RusageV4 {
    pub phys_footprint: u64,
    pub diskio_bytesread: u64,
    pub diskio_byteswritten: u64,
    pub qos: QosTimes,
    pub billed_energy: u64,
}

pub(crate) fn decode_rusage_v4(buf: &[u8]) -> Result<RusageV4, DecodeError> {
    if buf.len() < RUSAGE_INFO_V4_SIZE {
        return Err(DecodeError::Short {
            what: "rusage_info_v4",
            got: buf.len(),
            need: RUSAGE_INFO_V4_SIZE,
        });
    }
    let at = |o: usize| u64::from_ne_bytes(buf[o..o + 8].try_into().expect("8 bytes"));
    let qos = |i: usize| at(off::CPU_TIME_QOS_DEFAULT + 8 * i);
    Ok(RusageV4 {
        phys_footprint: at(off::PHYS_FOOTPRINT),
        diskio_bytesread: at(off::DISKIO_BYTESREAD),
        diskio_byteswritten: at(off::DISKIO_BYTESWRITTEN),
        // In the struct's order: default, maintenance, background, utility,
        // legacy, user-initiated, user-interactive.
        qos: QosTimes {
            default: qos(0),
            maintenance: qos(1),
            background: qos(2),
            utility: qos(3),
            legacy: qos(4),
            user_initiated: qos(5),
            user_interactive: qos(6),
        },
        billed_energy: at(off::BILLED_ENERGY),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A `rusage_info_v4` as the kernel fills it: every `uint64_t` field set
    /// to a value that names its place (field k after the uuid holds
    /// 1000 + k), the ones whytop reads to figures of a real process.
    pub(crate) fn rusage_bytes(r: &RusageV4) -> Vec<u8> {
        let mut b = vec![0u8; RUSAGE_INFO_V4_SIZE];
        b[..16].copy_from_slice(&[0xab; 16]); // ri_uuid
        for k in 0..35 {
            let o = 16 + 8 * k;
            b[o..o + 8].copy_from_slice(&(1000 + k as u64).to_ne_bytes());
        }
        let mut put = |o: usize, v: u64| b[o..o + 8].copy_from_slice(&v.to_ne_bytes());
        put(off::PHYS_FOOTPRINT, r.phys_footprint);
        put(off::DISKIO_BYTESREAD, r.diskio_bytesread);
        put(off::DISKIO_BYTESWRITTEN, r.diskio_byteswritten);
        let q = r.qos;
        let times = [
            q.default,
            q.maintenance,
            q.background,
            q.utility,
            q.legacy,
            q.user_initiated,
            q.user_interactive,
        ];
        for (i, t) in times.iter().enumerate() {
            put(off::CPU_TIME_QOS_DEFAULT + 8 * i, *t);
        }
        put(off::BILLED_ENERGY, r.billed_energy);
        b
    }

    #[test]
    fn offsets_as_resource_h_orders_the_fields() {
        // Field k (0-based) after the 16-byte uuid is at 16 + 8k: footprint
        // is the 8th uint64_t, the disk I/O the 17th and 18th, the QoS times
        // the 19th to 25th, billed energy the 32nd of 35.
        let at = |k: usize| 16 + 8 * k;
        assert_eq!(off::PHYS_FOOTPRINT, at(7));
        assert_eq!(off::DISKIO_BYTESREAD, at(16));
        assert_eq!(off::DISKIO_BYTESWRITTEN, at(17));
        assert_eq!(off::CPU_TIME_QOS_DEFAULT, at(18));
        assert_eq!(off::CPU_TIME_QOS_USER_INTERACTIVE, at(24));
        assert_eq!(off::BILLED_ENERGY, at(31));
        assert_eq!(RUSAGE_INFO_V4_SIZE, at(35));
    }

    #[test]
    fn fields_from_the_bytes() {
        let want = RusageV4 {
            phys_footprint: 182 << 20,
            diskio_bytesread: 3 << 30,
            diskio_byteswritten: 12 << 20,
            qos: QosTimes {
                default: 11,
                maintenance: 22,
                background: 33,
                utility: 44,
                legacy: 55,
                user_initiated: 66,
                user_interactive: 77,
            },
            billed_energy: 4_200_000_000,
        };
        let bytes = rusage_bytes(&want);
        assert_eq!(decode_rusage_v4(&bytes), Ok(want));
        // Without the fixture's values, each field reads its own place:
        // nothing is read from a neighbour.
        let plain = decode_rusage_v4(&rusage_bytes(&RusageV4::default())).unwrap();
        assert_eq!(plain, RusageV4::default());
        let mut raw = bytes.clone();
        raw[off::PHYS_FOOTPRINT..off::PHYS_FOOTPRINT + 8].copy_from_slice(&1007u64.to_ne_bytes());
        assert_eq!(decode_rusage_v4(&raw).unwrap().phys_footprint, 1007);
        assert_eq!(
            decode_rusage_v4(&bytes[..200]),
            Err(DecodeError::Short {
                what: "rusage_info_v4",
                got: 200,
                need: 296
            })
        );
    }
}
