//! The helper process: started, spoken to one JSON line at a time, and always ended.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The helper's source, compiled in: poolbench writes it next to its input cache, so it runs
/// whatever the working folder.
pub const HELPER_SOURCE: &str = include_str!("../../../python/poolbench_helper.py");

/// The Python workloads the helper imports, compiled in and written beside it.
pub const WORKLOADS_SOURCE: &str = include_str!("../../../python/poolbench_workloads.py");

/// The helper's files: name and source. Written into one folder, so the helper imports the
/// workloads module from beside itself.
const FILES: [(&str, &str); 2] = [
    ("poolbench_helper.py", HELPER_SOURCE),
    ("poolbench_workloads.py", WORKLOADS_SOURCE),
];

/// Where the helper's source is, written there once per process (and kept between runs while
/// it is the same version).
pub(crate) fn helper_path() -> Result<PathBuf, String> {
    static PATH: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PATH.get_or_init(write_helper).clone()
}

/// Writes the helper's files into the input cache, in a folder named by their version, unless
/// that version is there already.
fn write_helper() -> Result<PathBuf, String> {
    let version = FILES.iter().fold(0u64, |h, (_, source)| {
        poolbench_core::mix(h as usize, poolbench_core::fnv1a(source.as_bytes()))
    });
    let dir = poolbench_workloads::BuildContext::default()
        .cache_dir
        .join("python")
        .join(format!("helper-{version:016x}"));
    let written = |name: &str, source: &str| {
        std::fs::read(dir.join(name)).is_ok_and(|b| b == source.as_bytes())
    };
    if FILES.iter().all(|(name, source)| written(name, source)) {
        return Ok(dir.join(FILES[0].0));
    }
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        for (name, source) in FILES {
            let temp = dir.join(format!(".{name}-{}.tmp", std::process::id()));
            std::fs::write(&temp, source)?;
            std::fs::rename(&temp, dir.join(name))?;
        }
        Ok(())
    };
    write().map_err(|e| format!("cannot write the Python helper to {}: {e}", dir.display()))?;
    Ok(dir.join(FILES[0].0))
}

/// A running helper. No thread of poolbench's waits on it: replies are read with `poll` and a
/// deadline, and its standard error goes to a file read only to explain a failure. Dropping it
/// asks it to quit, waits up to 5 s for it to go (a cluster engine shuts down its cluster),
/// then kills every process it started: its descendants and its process group.
#[derive(Debug)]
pub(crate) struct Helper {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    /// Bytes read from stdout and not yet returned as a line.
    pending: Vec<u8>,
    stderr: File,
}

/// Why no reply line came.
enum NoLine {
    Timeout,
    Closed(String),
}

impl Helper {
    /// Starts `python helper.py serve --pool POOL --workers W` in a process group of its own
    /// and waits for its "ready" line.
    pub fn start(python: &str, pool: &str, workers: usize, wait: Duration) -> Result<Self, String> {
        let helper = helper_path()?;
        let stderr = tempfile::tempfile().map_err(|e| format!("cannot make a log file: {e}"))?;
        let child_stderr = stderr.try_clone().map_err(|e| e.to_string())?;
        let mut child = Command::new(python)
            .arg("-u")
            .arg(&helper)
            .args(["serve", "--pool", pool, "--workers", &workers.to_string()])
            // One string hash for every helper and its workers: a set or dict of strings
            // then pickles alike in every process (`--py-task` checksums hash the pickle).
            .env("PYTHONHASHSEED", "0")
            // Where the cluster engines' real clusters are, if any.
            .envs(crate::engine::cluster_env())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(child_stderr)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {python}: {e}"))?;
        let stdout = child.stdout.take().expect("piped");
        let mut helper = Self {
            stdin: child.stdin.take(),
            child,
            stdout,
            pending: Vec::new(),
            stderr,
        };
        helper.receive(wait)?;
        Ok(helper)
    }

    /// The helper's process id, which is also its process group's.
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Sends one request and waits up to `wait` for its reply; a reply with an "error" is an
    /// error.
    pub fn ask(&mut self, request: &Value, wait: Duration) -> Result<Value, String> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or("the helper was stopped earlier")?;
        let mut line = request.to_string();
        line.push('\n');
        if let Err(e) = stdin
            .write_all(line.as_bytes())
            .and_then(|()| stdin.flush())
        {
            return Err(self.gone(&format!("cannot write to it: {e}")));
        }
        self.receive(wait)
    }

    fn receive(&mut self, wait: Duration) -> Result<Value, String> {
        let line = match self.read_line(Instant::now() + wait) {
            Ok(line) => line,
            Err(NoLine::Timeout) => {
                self.kill();
                return Err(format!(
                    "no answer within {:.1} s: the helper and its workers were stopped",
                    wait.as_secs_f64()
                ));
            }
            Err(NoLine::Closed(why)) => return Err(self.gone(&why)),
        };
        let reply: Value = serde_json::from_str(&line)
            .map_err(|e| format!("the helper answered something else than JSON ({e}): {line}"))?;
        if let Some(error) = reply.get("error").and_then(Value::as_str) {
            return Err(format!("Python: {error}"));
        }
        Ok(reply)
    }

    /// The next line of the helper's output, waiting until `deadline` at most.
    fn read_line(&mut self, deadline: Instant) -> Result<String, NoLine> {
        let mut chunk = [0u8; 64 * 1024];
        loop {
            if let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=end).collect();
                return Ok(String::from_utf8_lossy(&line[..end]).into_owned());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(NoLine::Timeout);
            }
            let mut poll = libc::pollfd {
                fd: self.stdout.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = i32::try_from(left.as_millis().max(1)).unwrap_or(i32::MAX);
            // SAFETY: one valid pollfd for an open descriptor this helper owns.
            let ready = unsafe { libc::poll(&mut poll, 1, ms) };
            if ready < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(NoLine::Closed(format!("cannot wait for it: {e}")));
            }
            if ready == 0 {
                continue;
            }
            match self.stdout.read(&mut chunk) {
                Ok(0) => return Err(NoLine::Closed("it exited".into())),
                Ok(n) => self.pending.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(NoLine::Closed(format!("cannot read from it: {e}"))),
            }
        }
    }

    /// Why the helper is unusable, with its exit status and last standard error line.
    fn gone(&mut self, what: &str) -> String {
        std::thread::sleep(Duration::from_millis(50));
        let status = match self.child.try_wait() {
            Ok(Some(status)) => format!(" ({status})"),
            _ => String::new(),
        };
        let mut log = String::new();
        let _ = self.stderr.seek(SeekFrom::Start(0));
        let _ = self.stderr.read_to_string(&mut log);
        let last = log
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map_or(String::new(), |l| format!(": {}", l.trim()));
        format!("the Python helper is gone{status}, {what}{last}")
    }

    /// Kills the helper's process group and reaps the helper.
    fn kill(&mut self) {
        self.stdin = None;
        self.kill_all();
        let _ = self.child.wait();
    }

    /// Kills every process the helper started: its descendants first (a cluster engine
    /// starts some in process groups of their own: Ray's workers), then its process group.
    fn kill_all(&self) {
        let pid = self.child.id() as libc::pid_t;
        for descendant in poolbench_process::descendants(pid) {
            // SAFETY: a plain signal to a process id read from /proc just now.
            unsafe {
                libc::kill(descendant, libc::SIGKILL);
            }
        }
        // SAFETY: signals the process group this helper leads (made by `process_group(0)`).
        unsafe {
            libc::killpg(pid, libc::SIGKILL);
        }
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        if let Some(mut stdin) = self.stdin.take() {
            let _ = stdin.write_all(b"{\"op\": \"quit\"}\n");
        }
        // A cluster engine takes a few seconds to shut down cleanly; a plain pool, none.
        for _ in 0..500 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // None of the processes it started outlives the helper.
        self.kill_all();
        let _ = self.child.wait();
    }
}
