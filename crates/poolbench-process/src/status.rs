//! How a worker process ended, in words a person can act on.

use nix::sys::wait::WaitStatus;

/// "exited with status 3", "was killed by signal 9 (SIGKILL)"…
pub fn describe_wait(status: WaitStatus) -> String {
    match status {
        WaitStatus::Exited(_, code) => format!("exited with status {code}"),
        WaitStatus::Signaled(_, signal, core) => format!(
            "was killed by signal {} ({}){}",
            signal as i32,
            signal.as_str(),
            if core { ", core dumped" } else { "" }
        ),
        other => format!("ended oddly ({other:?})"),
    }
}

/// The same for a `std::process::ExitStatus`.
pub fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    if let Some(code) = status.code() {
        return format!("exited with status {code}");
    }
    match status.signal().map(nix::sys::signal::Signal::try_from) {
        Some(Ok(signal)) => format!(
            "was killed by signal {} ({})",
            signal as i32,
            signal.as_str()
        ),
        Some(Err(_)) => format!("was killed by signal {}", status.signal().unwrap_or(0)),
        None => format!("ended ({status})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::sys::signal::Signal;
    use nix::unistd::Pid;

    #[test]
    fn statuses_read_as_sentences() {
        let pid = Pid::from_raw(1);
        assert_eq!(
            describe_wait(WaitStatus::Exited(pid, 3)),
            "exited with status 3"
        );
        assert_eq!(
            describe_wait(WaitStatus::Signaled(pid, Signal::SIGKILL, false)),
            "was killed by signal 9 (SIGKILL)"
        );
    }
}
