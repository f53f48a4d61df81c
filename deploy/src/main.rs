//! `kubeadm`: bootstraps a ferrokube cluster the way upstream kubeadm does.

mod certs_command;
mod cli;
mod defaults;
mod init_phase;
mod table;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    cli.logs.init();
    match cli.command.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err:#}");
            ExitCode::FAILURE
        }
    }
}
