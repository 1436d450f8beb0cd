//! A private PostgreSQL server for a test: `initdb` in a temp folder, `pg_ctl start` on a free
//! loopback port, stopped (and its folder removed) when dropped. A test that needs one and
//! finds no server binaries prints one line and is skipped.

use std::path::PathBuf;
use std::process::Command;

/// A running server; `url` reaches its `postgres` database.
pub struct ScratchServer {
    pub url: String,
    bin: PathBuf,
    data: PathBuf,
    _dir: tempfile::TempDir,
    user: Option<(u32, u32)>,
}

/// The folder of `initdb` and `pg_ctl`: `$POOLBENCH_PG_BIN`, else Debian's newest
/// `/usr/lib/postgresql/N/bin`, else the one on the PATH.
fn server_binaries() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("POOLBENCH_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    debian.sort();
    if let Some((_, bin)) = debian.pop() {
        return Some(bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
}

/// initdb refuses to run as root: then the server runs as the `postgres` user (which the
/// server package creates), else `nobody`.
fn unprivileged_user() -> Option<(u32, u32)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    ["postgres", "nobody"].iter().find_map(|name| {
        let line = passwd.lines().find(|l| l.split(':').next() == Some(name))?;
        let fields: Vec<&str> = line.split(':').collect();
        Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?))
    })
}

impl ScratchServer {
    /// Starts one, or prints why not and returns `None`.
    pub fn start(test: &str) -> Option<Self> {
        let Some(bin) = server_binaries() else {
            println!("{test}: skipped: no PostgreSQL server binaries (initdb, pg_ctl; Debian: apt-get install postgresql)");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let user = unprivileged_user();
        if let Some((uid, gid)) = user {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).unwrap();
        }
        let data = dir.path().join("data");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = Self {
            url: format!("postgres://poolbench@127.0.0.1:{port}/postgres"),
            bin,
            data,
            user,
            _dir: dir,
        };
        let initdb = server
            .command("initdb")
            .args(["--auth=trust", "--username=poolbench", "--no-sync", "-D"])
            .arg(&server.data)
            .output()
            .unwrap();
        assert!(
            initdb.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&initdb.stderr)
        );
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            server.data.display()
        );
        let started = server
            .command("pg_ctl")
            .arg("-D")
            .arg(&server.data)
            .args(["-o", &options, "-l"])
            .arg(server.data.join("log"))
            .args(["-w", "-t", "60", "start"])
            .output()
            .unwrap();
        assert!(
            started.status.success(),
            "pg_ctl start: {}{}",
            String::from_utf8_lossy(&started.stderr),
            std::fs::read_to_string(server.data.join("log")).unwrap_or_default()
        );
        Some(server)
    }

    /// Runs `sql` with `psql` as the server's superuser; panics on an error.
    pub fn sql(&self, sql: &str) {
        let out = Command::new(self.bin.join("psql"))
            .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql, &self.url])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The URL as another user.
    pub fn url_as(&self, user: &str) -> String {
        self.url.replace("poolbench@", &format!("{user}@"))
    }

    fn command(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        match self.user {
            Some((uid, gid)) => {
                let mut cmd = Command::new("setpriv");
                cmd.arg(format!("--reuid={uid}"))
                    .arg(format!("--regid={gid}"))
                    .arg("--clear-groups")
                    .arg(program);
                cmd
            }
            None => Command::new(program),
        }
    }
}

impl Drop for ScratchServer {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}
