//! `iktag` without a command: the terminal UI on the configured profile.

use super::CliError;
use super::run::context;
use super::targets::Common;
use crate::config;

/// `iktag` without a command: the terminal UI on the configured profile.
pub async fn run(common: Common) -> Result<(), CliError> {
    let mut ctx = context(&common).map_err(|e| {
        CliError::usage(format!(
            "{}\n\nTo open iktag on your library, set IMAGEKIT_PRIVATE_KEY (or a profile in {}),\nor try it on the built-in demo library: iktag demo",
            e.message,
            config::config_dir(&config::ProcessEnv).map_or_else(|_| "config.toml".into(), |d| d.join("config.toml").display().to_string())
        ))
    })?;
    // The screen shows waits itself.
    ctx.waits.stop();
    let opts = crate::tui::TuiOptions {
        demo: false,
        read_only: ctx.read_only,
        concurrency: ctx.concurrency,
        state_dir: Some(ctx.settings.state_dir.clone()),
        keymap: crate::tui::load_keymap()?,
        mouse: crate::tui::mouse_from_env(),
        profile: ctx.settings.profile.clone(),
        profiles: crate::config::profiles(&crate::config::ProcessEnv),
        library: Some(ctx.library.clone()),
        rules: rules_found()?,
    };
    Ok(crate::tui::run(ctx.client, opts).await?)
}

/// The rules file the problems view checks, if there is one (`iktag-rules.toml` here, else
/// `rules.toml` in the config directory); a bad one stops the start with its line and column.
fn rules_found() -> Result<Option<std::sync::Arc<crate::lint::Rules>>, CliError> {
    let Some(path) = crate::lint::find_rules(None) else {
        return Ok(None);
    };
    let rules = crate::lint::Rules::load(&path).map_err(|e| CliError::usage(e.to_string()))?;
    Ok(Some(std::sync::Arc::new(rules)))
}
