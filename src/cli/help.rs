//! The command as `--help`, completions and the man page show it: the derived [`Cli`]
//! plus two or three examples at the end of each command's help, and the global flags
//! hidden where they do not apply (`sandbox`; `--profile` for `demo`).

use clap::{Arg, CommandFactory};

use super::{Cli, CliError};

/// Examples per command path (`"tags add"`), shown after its options.
const EXAMPLES: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "iktag demo                               # the terminal UI on a local demo library",
            "iktag                                    # the terminal UI on your library",
            "iktag ls -q 'tags IN [\"sale\"]' --ids | iktag tags add 2024 --ids-from -",
        ],
    ),
    (
        "ls",
        &[
            "iktag ls --limit 20",
            "iktag ls -q 'tags IN [\"sale\"] AND size > \"1mb\"' --sort DESC_SIZE",
            "iktag ls --path /products --json > products.jsonl",
        ],
    ),
    (
        "tags",
        &[
            "iktag tags add summer -q 'path : \"/products\"'",
            "iktag tags merge jacket Jackets --into jacket",
            "iktag tags stats",
        ],
    ),
    (
        "tags add",
        &[
            "iktag tags add summer sale -q 'tags IN [\"2024\"]'",
            "iktag ls --ids -q 'name : \"hero\"' | iktag tags add hero --ids-from - --yes",
        ],
    ),
    (
        "tags set",
        &[
            "iktag tags set jacket red --ids-from ids.txt --dry-run",
            "iktag tags set archived -q 'createdAt < \"2020-01-01\"'",
        ],
    ),
    (
        "tags rm",
        &[
            "iktag tags rm draft -q 'tags IN [\"draft\"]'",
            "iktag tags rm old new --ids-from ids.txt --json",
        ],
    ),
    (
        "tags rename",
        &[
            "iktag tags rename Summer-Sale summer-sale --dry-run",
            "iktag tags rename tshirt t-shirt --yes",
        ],
    ),
    (
        "tags merge",
        &[
            "iktag tags merge jacket Jacket jackets --into jacket",
            "iktag tags merge jackit --into jacket --dry-run",
        ],
    ),
    (
        "tags stats",
        &[
            "iktag tags stats",
            "iktag tags stats -q 'path : \"/products\"' --json",
        ],
    ),
    (
        "ai-tags",
        &[
            "iktag ai-tags rm --below 60 -q 'tags IN [\"sale\"]'",
            "iktag ai-tags promote --min 90 --ids-from ids.txt",
            "iktag ai-tags auto --source aws -q 'format = \"jpg\"'",
        ],
    ),
    (
        "ai-tags rm",
        &[
            "iktag ai-tags rm Person Clothing -q 'tags IN [\"lookbook\"]'",
            "iktag ai-tags rm --all --ids-from ids.txt --dry-run",
            "iktag ai-tags rm --below 60 -q 'size > 0' --yes",
        ],
    ),
    (
        "ai-tags promote",
        &[
            "iktag ai-tags promote --min 90 -q 'path : \"/products\"'",
            "iktag ai-tags promote --min 80 --ids-from ids.txt --dry-run",
        ],
    ),
    (
        "ai-tags auto",
        &[
            "iktag ai-tags auto -q 'tags IN [\"new\"]'",
            "iktag ai-tags auto --source aws --max-tags 5 --min-confidence 80 --ids-from ids.txt",
        ],
    ),
    (
        "update",
        &[
            "iktag update 6500000000000000000000a1 --tags jacket,red",
            "iktag update 6500000000000000000000a1 --description 'Red jacket, front' --meta sku=J-100",
            "iktag update 6500000000000000000000a1 --auto-tag google --max-tags 5",
        ],
    ),
    (
        "rm",
        &[
            "iktag rm -q 'tags IN [\"to-delete\"]' --dry-run",
            "iktag rm --ids-from ids.txt --yes     # from a script: no prompt",
        ],
    ),
    (
        "jobs",
        &[
            "iktag jobs",
            "iktag jobs show 20240131-101500-123-ab",
            "iktag jobs retry 20240131-101500-123-ab",
        ],
    ),
    ("jobs list", &["iktag jobs list", "iktag jobs list --json"]),
    (
        "jobs show",
        &[
            "iktag jobs show 20240131-101500-123-ab",
            "iktag jobs show 20240131-101500-123-ab --json",
        ],
    ),
    (
        "jobs resume",
        &[
            "iktag jobs resume 20240131-101500-123-ab --dry-run",
            "iktag jobs resume 20240131-101500-123-ab --yes",
        ],
    ),
    (
        "jobs retry",
        &[
            "iktag jobs retry 20240131-101500-123-ab",
            "iktag jobs retry 20240131-101500-123-ab --json --yes",
        ],
    ),
    (
        "undo",
        &[
            "iktag undo 20240131-101500-123-ab --dry-run",
            "iktag undo 20240131-101500-123-ab --yes",
        ],
    ),
    (
        "apply",
        &[
            "iktag ls --json -q 'tags IN [\"sale\"]' > sale.jsonl   # edit it, then:",
            "iktag apply sale.jsonl --dry-run",
            "iktag apply sale.jsonl --yes",
        ],
    ),
    (
        "lint",
        &[
            "iktag lint --init                          # a starter ./iktag-rules.toml from the library",
            "iktag lint --rules assets/demo-rules.toml  # against `iktag demo --no-tui`",
            "iktag lint --fix --dry-run -q 'path : \"/products\"'",
            "iktag lint --json | grep '\"rule\":\"require\"'",
        ],
    ),
    (
        "sandbox",
        &[
            "iktag sandbox --listen 127.0.0.1:8080",
            "iktag sandbox --files 5000 --data ./lib     # kept across restarts",
            "iktag sandbox --fail-rate 0.1 --rate-limit 10/s --rng-seed 7",
        ],
    ),
    (
        "demo",
        &[
            "iktag demo",
            "iktag demo --files 100000 --fail-rate 0.3",
            "iktag demo --no-tui --listen 127.0.0.1:8080",
        ],
    ),
    (
        "completions",
        &[
            "iktag completions bash > ~/.local/share/bash-completion/completions/iktag",
            "iktag completions zsh > ~/.zfunc/_iktag",
            "iktag completions fish > ~/.config/fish/completions/iktag.fish",
        ],
    ),
    (
        "man",
        &[
            "iktag man > ~/.local/share/man/man1/iktag.1",
            "iktag man | man -l -",
        ],
    ),
];

/// The global flags, and the commands they do not apply to.
const NOT_FOR: &[(&str, &[&str])] = &[
    ("sandbox", &["profile", "read_only", "concurrency"]),
    ("demo", &["profile"]),
];

/// The full command: what `--help`, parsing, completions and the man page use.
pub fn command() -> clap::Command {
    let cli = Cli::command();
    let globals: Vec<Arg> = cli
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    let mut cli = with_examples(cli, "");
    for (name, ids) in NOT_FOR {
        // A hidden copy in the subcommand keeps the global one out of its help; the value
        // still reaches `Common`, where the command refuses it (see `refuse_globals`).
        cli = cli.mut_subcommand(*name, |mut sub| {
            for a in globals
                .iter()
                .filter(|a| ids.contains(&a.get_id().as_str()))
            {
                sub = sub.arg(a.clone().global(false).hide(true));
            }
            sub
        });
    }
    cli
}

fn with_examples(cmd: clap::Command, path: &str) -> clap::Command {
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    let mut cmd = match EXAMPLES.iter().find(|(p, _)| *p == path) {
        Some((_, lines)) => {
            let text = format!("Examples:\n  {}", lines.join("\n  "));
            cmd.after_help(text)
        }
        None => cmd,
    };
    for name in subs {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |s| with_examples(s, &sub_path));
    }
    cmd
}

/// Refuses the global flags a command ignores, instead of silently accepting them.
pub fn refuse_globals(command: &str, common: &super::targets::Common) -> Result<(), CliError> {
    let ids = NOT_FOR
        .iter()
        .find(|(c, _)| *c == command)
        .map_or(&[][..], |(_, ids)| *ids);
    let given = [
        ("profile", "--profile", common.profile.is_some()),
        ("read_only", "--read-only", common.read_only),
        ("concurrency", "--concurrency", common.concurrency.is_some()),
    ];
    match given.iter().find(|(id, _, set)| *set && ids.contains(id)) {
        Some((_, flag, _)) => Err(CliError::usage(format!(
            "{flag} does not apply to `iktag {command}`: it serves its own library"
        ))),
        None => Ok(()),
    }
}

/// `iktag completions SHELL`: the completion script on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command(), "iktag", &mut script);
    print(&script)
}

/// `iktag man`: the man page (roff) on stdout.
pub fn man() -> Result<(), CliError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command())
        .render(&mut page)
        .map_err(|e| CliError::failed(format!("cannot render the man page: {e}")))?;
    print(&page)
}

/// Writes it all to stdout; a reader that went away (`| head`) is not an error.
fn print(bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::failed(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            let id = a.get_id().as_str();
            if id != "help" && id != "version" && a.get_help().is_none() {
                out.push(format!("`iktag {path}`: {id} has no help text"));
            }
        }
        if cmd.get_name() != "help" && cmd.get_after_help().is_none() {
            out.push(format!("`iktag {path}` has no examples"));
        }
        for s in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            walk(s, format!("{path} {}", s.get_name()).trim(), out);
        }
    }

    #[test]
    fn every_flag_has_a_line_and_every_command_examples() {
        let mut cmd = command();
        cmd.build();
        let mut missing = Vec::new();
        walk(&cmd, "", &mut missing);
        assert_eq!(missing, Vec::<String>::new());
    }

    #[test]
    fn the_sandbox_help_lists_only_its_own_flags() {
        let mut cmd = command();
        cmd.build();
        let sandbox = cmd.find_subcommand_mut("sandbox").unwrap();
        let help = sandbox.render_help().to_string();
        for flag in ["--profile", "--read-only", "--concurrency"] {
            assert!(!help.contains(flag), "{flag} in:\n{help}");
        }
        assert!(help.contains("--listen <ADDR>"), "{help}");
        let demo = cmd
            .find_subcommand_mut("demo")
            .unwrap()
            .render_help()
            .to_string();
        assert!(
            !demo.contains("--profile") && demo.contains("--read-only"),
            "{demo}"
        );
    }
}
