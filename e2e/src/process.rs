//! A daemon a test starts: its output goes to a log file, and dropping the guard stops the
//! daemon and everything it started, so no process outlives the test.
//!
//! A daemon runs in its own process group, so that stopping it reaches whatever it started;
//! that also shields it from the terminal's Ctrl-C. So that it dies with the test process
//! even when no destructor runs (Ctrl-C, a crash, a timeout's SIGKILL, a fixture kept in a
//! `static`), it is started through `setpriv --pdeathsig KILL` from a thread that lives as
//! long as the process: the kernel kills the daemon when that thread, i.e. the process, ends.
//! (That covers the daemon itself, not processes it starts: those only go with the group.)

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, SeekFrom};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{OnceLock, mpsc};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rustix::process::{Pid, Signal, kill_process_group};

/// How long a daemon may take to exit after SIGTERM before it gets SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(3);

/// util-linux's `setpriv` (Debian: essential), which sets the parent-death signal and execs.
const SETPRIV: &str = "/usr/bin/setpriv";

/// How much of the end of a log [`Daemon::log_tail`] reads at most.
const TAIL_BYTES: u64 = 256 * 1024;

/// A running child process in its own process group, with stdout and stderr appended to
/// one log file. Dropping it stops the whole group (SIGTERM, then SIGKILL after
/// [`STOP_GRACE`]); when dropped during a panic it also prints the end of its log.
#[derive(Debug)]
pub struct Daemon {
    name: String,
    child: Child,
    pid: Pid,
    log_path: PathBuf,
    exit: Option<ExitStatus>,
}

impl Daemon {
    /// Starts `cmd` as `name` (used in messages and as the log's file name,
    /// `<log_dir>/<name>.log`), with stdin closed and stdout and stderr sent to the log.
    ///
    /// Of `cmd`, the program, the arguments, the environment variables set or removed and the
    /// working directory are used (not `env_clear`, nor anything set through `CommandExt`).
    pub fn spawn(name: &str, cmd: Command, log_dir: &Path) -> anyhow::Result<Daemon> {
        let program = PathBuf::from(cmd.get_program());
        for needed in [Path::new(SETPRIV), &program] {
            anyhow::ensure!(
                !needed.is_absolute() || needed.exists(),
                "cannot start {name}: {} is missing",
                needed.display()
            );
        }
        let log_path = log_dir.join(format!("{name}.log"));
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .with_context(|| format!("creating {}", log_path.display()))?;
        let log_err = log.try_clone().context("duplicating the log file handle")?;
        let mut wrapped = dying_with_this_process(&cmd);
        wrapped.stdin(Stdio::null()).stdout(log).stderr(log_err).process_group(0);
        let child =
            spawn_from_lasting_thread(wrapped).with_context(|| format!("starting {name} ({})", program.display()))?;
        let pid = Pid::from_child(&child);
        Ok(Daemon { name: name.to_owned(), child, pid, log_path, exit: None })
    }

    /// The name given to [`Daemon::spawn`].
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The process id (also the id of its process group).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The log file holding the daemon's stdout and stderr.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// The last `lines` lines of the log, or a note saying why it cannot be read.
    pub fn log_tail(&self, lines: usize) -> String {
        match read_tail(&self.log_path, lines) {
            Ok(tail) if tail.is_empty() => format!("({} is empty)", self.log_path.display()),
            Ok(tail) => tail,
            Err(e) => format!("(cannot read {}: {e:#})", self.log_path.display()),
        }
    }

    /// Whether the log contains `needle` (read whole: for start-up messages, not long logs).
    pub fn log_contains(&self, needle: &str) -> bool {
        std::fs::read(&self.log_path).is_ok_and(|log| String::from_utf8_lossy(&log).contains(needle))
    }

    /// The exit status if the daemon has exited, `None` while it runs.
    pub fn try_wait(&mut self) -> anyhow::Result<Option<ExitStatus>> {
        if self.exit.is_none() {
            let status = self.child.try_wait().with_context(|| format!("checking on {}", self.name))?;
            if let Some(status) = status {
                self.reaped(status);
            }
        }
        Ok(self.exit)
    }

    /// Records the daemon's exit and kills whatever it left behind in its process group, at
    /// once: after the daemon's own pid has been reaped, its number may be reused, and the
    /// group must not be signalled again later.
    fn reaped(&mut self, status: ExitStatus) {
        let _ = kill_process_group(self.pid, Signal::KILL);
        self.exit = Some(status);
    }

    /// Fails, with the log tail, if the daemon has exited.
    pub fn ensure_running(&mut self) -> anyhow::Result<()> {
        match self.try_wait()? {
            None => Ok(()),
            Some(status) => anyhow::bail!(
                "{} exited ({status}); end of {}:\n{}",
                self.name,
                self.log_path.display(),
                self.log_tail(30)
            ),
        }
    }

    /// Stops the daemon's process group gracefully: SIGTERM, then SIGKILL if it is still
    /// running after [`STOP_GRACE`]. Returns the daemon's exit status.
    pub fn stop(&mut self) -> anyhow::Result<ExitStatus> {
        self.stop_with(Signal::TERM, STOP_GRACE)
    }

    /// Kills the daemon's process group at once with SIGKILL, like a crash or a power cut.
    pub fn kill(&mut self) -> anyhow::Result<ExitStatus> {
        self.stop_with(Signal::KILL, Duration::ZERO)
    }

    fn stop_with(&mut self, signal: Signal, grace: Duration) -> anyhow::Result<ExitStatus> {
        if let Some(status) = self.try_wait()? {
            return Ok(status);
        }
        let _ = kill_process_group(self.pid, signal);
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if let Some(status) = self.try_wait()? {
                return Ok(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = kill_process_group(self.pid, Signal::KILL);
        let status = self.child.wait().with_context(|| format!("waiting for {} to exit", self.name))?;
        self.reaped(status);
        Ok(status)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- end of {} log ({}) ---\n{}\n---", self.name, self.log_path.display(), self.log_tail(40));
        }
        if let Err(e) = self.stop() {
            eprintln!("could not stop {}: {e:#}", self.name);
        }
    }
}

/// `cmd` run through `setpriv --pdeathsig KILL`, which execs it (same pid) with SIGKILL as
/// its parent-death signal.
fn dying_with_this_process(cmd: &Command) -> Command {
    let mut wrapped = Command::new(SETPRIV);
    wrapped.args(["--pdeathsig", "KILL", "--"]).arg(cmd.get_program()).args(cmd.get_args());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => wrapped.env(key, value),
            None => wrapped.env_remove(key),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        wrapped.current_dir(dir);
    }
    wrapped
}

/// Spawns `cmd` from a thread that never ends. The parent-death signal fires when the
/// *thread* that forked the child exits, and a test's own thread ends with the test, which
/// would kill a daemon that a fixture shares between tests.
fn spawn_from_lasting_thread(cmd: Command) -> anyhow::Result<Child> {
    type Request = (Command, mpsc::Sender<std::io::Result<Child>>);
    static SPAWNER: OnceLock<mpsc::Sender<Request>> = OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (requests, incoming) = mpsc::channel::<Request>();
        // Should the thread not start, `incoming` is dropped and every send below fails.
        let _ = std::thread::Builder::new().name("e2e-daemon-spawner".to_owned()).spawn(move || {
            for (mut cmd, reply) in incoming {
                let _ = reply.send(cmd.spawn());
            }
        });
        requests
    });
    let (reply, answer) = mpsc::channel();
    spawner.send((cmd, reply)).ok().context("the daemon-spawning thread is not running")?;
    Ok(answer.recv().context("the daemon-spawning thread did not answer")??)
}

/// The last `lines` lines of the file at `path`, reading at most [`TAIL_BYTES`] from its end.
fn read_tail(path: &Path, lines: usize) -> anyhow::Result<String> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(TAIL_BYTES)))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    let all: Vec<&str> = text.lines().collect();
    Ok(all[all.len().saturating_sub(lines)..].join("\n"))
}

/// Whether process `pid` exists and is not a zombie (an exited process nobody reaped yet).
pub fn is_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state is the field after the parenthesised command name, which may hold spaces.
        Ok(stat) => stat.rsplit_once(')').is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", script]);
        cmd
    }

    #[test]
    fn output_goes_to_the_log_and_the_tail_is_readable() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let mut daemon =
            Daemon::spawn("printer", sh("for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done"), dir.path())?;
        crate::poll::poll_until(Duration::from_secs(5), Duration::from_millis(10), "printer to exit", || {
            daemon.try_wait()
        })?;
        assert_eq!(daemon.log_tail(2), "out5\nerr5");
        assert!(daemon.ensure_running().is_err());
        Ok(())
    }

    #[test]
    fn a_daemon_outlives_the_thread_that_started_it() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let daemon =
            std::thread::scope(|s| s.spawn(|| Daemon::spawn("sleeper", sh("exec sleep 300"), dir.path())).join())
                .map_err(|_| anyhow::anyhow!("the spawning thread panicked"))??;
        std::thread::sleep(Duration::from_millis(200)); // Give a wrong parent-death signal time to strike.
        assert!(is_alive(daemon.pid()), "the daemon died with the thread that started it");
        Ok(())
    }

    /// Set in a child test process to make it start a daemon and exit without dropping it.
    const ORPHAN_DIR_ENV: &str = "E2E_TEST_ORPHAN_DIR";

    #[test]
    fn a_daemon_dies_with_the_test_process() -> anyhow::Result<()> {
        if let Some(dir) = std::env::var_os(ORPHAN_DIR_ENV) {
            let mut daemon = Daemon::spawn("orphan", sh("echo started; exec sleep 300"), Path::new(&dir))?;
            // Once the shell runs, setpriv has set the parent-death signal.
            crate::poll::poll_until(Duration::from_secs(5), Duration::from_millis(5), "the orphan to start", || {
                daemon.ensure_running()?;
                Ok(daemon.log_contains("started").then_some(()))
            })?;
            println!("orphan-pid={}", daemon.pid());
            std::process::exit(0); // No destructor runs.
        }
        let dir = tempfile::tempdir()?;
        let output = Command::new(std::env::current_exe()?)
            .args(["--exact", "process::tests::a_daemon_dies_with_the_test_process", "--nocapture"])
            .env(ORPHAN_DIR_ENV, dir.path())
            .output()?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let pid: u32 = stdout
            .lines()
            .find_map(|l| l.strip_prefix("orphan-pid="))
            .and_then(|p| p.trim().parse().ok())
            .with_context(|| format!("no orphan-pid line in the child's output: {output:?}"))?;
        crate::poll::poll_until(Duration::from_secs(5), Duration::from_millis(10), "the orphan to die", || {
            Ok((!is_alive(pid)).then_some(()))
        })
    }

    #[test]
    fn drop_stops_the_whole_process_group() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        // A shell that ignores SIGTERM, with a background grandchild: both must go.
        let daemon = Daemon::spawn("stubborn", sh("trap '' TERM; sleep 300 & echo $!; wait"), dir.path())?;
        let log = daemon.log_path().to_owned();
        let grandchild: u32 =
            crate::poll::poll_until(Duration::from_secs(5), Duration::from_millis(10), "the grandchild's pid", || {
                Ok(std::fs::read_to_string(&log)?.trim().parse().ok())
            })?;
        let pid = daemon.pid();
        assert!(is_alive(pid) && is_alive(grandchild));
        drop(daemon);
        assert!(!is_alive(pid), "the daemon survived its drop");
        crate::poll::poll_until(
            Duration::from_secs(5),
            Duration::from_millis(10),
            "the grandchild to be gone",
            || Ok((!is_alive(grandchild)).then_some(())),
        )?;
        Ok(())
    }
}
