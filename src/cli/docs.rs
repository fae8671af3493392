//! `whytop man` and `whytop completions SHELL`: both generated from the clap
//! definitions, so a new flag or subcommand is documented the moment it exists.

use clap::CommandFactory;

/// The shells `whytop completions` writes a script for.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The man page of whytop, its subcommands as sections, as roff.
pub(crate) fn man_page() -> anyhow::Result<Vec<u8>> {
    let command = super::Cli::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    // One page for the whole tool, as git and cargo do not: a subcommand's
    // flags are found by searching this page, not by guessing page names.
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_name();
        page.extend_from_slice(format!(".SH \"WHYTOP {}\"\n", name.to_uppercase()).as_bytes());
        let sub = sub
            .clone()
            .bin_name(format!("whytop {name}"))
            .display_name(format!("whytop-{name}"));
        let man = clap_mangen::Man::new(sub);
        man.render_synopsis_section(&mut page)?;
        man.render_description_section(&mut page)?;
        man.render_options_section(&mut page)?;
    }
    Ok(page)
}

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut command = super::Cli::command();
    let mut script = Vec::new();
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(generator, &mut command, "whytop", &mut script);
    script
}

pub fn run_man() -> anyhow::Result<i32> {
    super::emit(&String::from_utf8_lossy(&man_page()?))
}

pub fn run_completions(args: &CompletionsArgs) -> anyhow::Result<i32> {
    super::emit(&String::from_utf8_lossy(&completions(args.shell)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_man_page_documents_every_subcommand_and_a_flag_of_each_level() {
        let page = String::from_utf8(man_page().unwrap()).unwrap();
        assert!(
            page.starts_with(".ie") || page.contains(".TH whytop"),
            "{page:.200}"
        );
        for sub in super::super::Cli::command().get_subcommands() {
            let head = format!(".SH \"WHYTOP {}\"", sub.get_name().to_uppercase());
            assert!(page.contains(&head), "no section {head}");
        }
        // A top-level flag and a subcommand's flag, roff-escaped as clap_mangen writes them.
        assert!(page.contains("\\-\\-delay"), "no --delay");
        assert!(page.contains("\\-\\-no\\-tree"), "no stop --no-tree");
    }

    #[test]
    fn each_shell_gets_a_script_that_names_the_subcommands() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let script = String::from_utf8(completions(shell)).unwrap();
            for word in ["whytop", "stop", "renice", "ended", "completions"] {
                assert!(script.contains(word), "{shell:?} script lacks {word}");
            }
        }
    }
}
