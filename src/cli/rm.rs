//! `iktag rm`: delete files (asks for the count to be typed).

use clap::Args;

use super::CliError;
use super::run::{context, run_job};
use super::targets::{Common, JobFlags, Targets, resolve_targets};
use crate::jobs::Operation;

#[derive(Debug, Args)]
pub struct RmArgs {
    #[command(flatten)]
    pub targets: Targets,
    #[command(flatten)]
    pub flags: JobFlags,
}

pub async fn rm(common: Common, args: RmArgs) -> Result<(), CliError> {
    let ctx = context(&common)?;
    let (ids, known) = resolve_targets(&ctx, &args.targets).await?;
    run_job(&ctx, Operation::Delete, ids, known, &args.flags).await
}
