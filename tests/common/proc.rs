//! The binary as a process the test keeps on a leash: killed when the test ends however it
//! ends, waited for within a deadline, or run in a pseudo-terminal with its screen parsed.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// A child process that is killed (and reaped) when the guard goes out of scope: created
/// right after the spawn, so a failed assert never leaves it running.
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Sends SIGINT (what Ctrl-C sends) to the child.
pub fn sigint(child: &Child) {
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs")
        .success();
    assert!(sent, "SIGINT sent");
}

/// Waits at most `limit` for the child to end and collects its output; a child still
/// running then is killed and the test fails (instead of hanging).
pub fn finish(mut g: Guard, limit: Duration) -> Output {
    fn drain(r: Option<Box<dyn Read + Send>>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    }
    let out = drain(
        g.0.stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let err = drain(
        g.0.stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = g.0.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "iktag did not end within {limit:?}; killed"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// Runs `cmd` (stdin closed, output captured) for at most `limit`.
pub fn output_within(cmd: &mut Command, limit: Duration) -> Output {
    let g = Guard(
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("binary starts"),
    );
    finish(g, limit)
}

/// The binary in a pseudo-terminal (stdin, stdout and stderr), its screen parsed as it
/// draws; killed when dropped.
pub struct Pty {
    parser: Arc<Mutex<vt100::Parser>>,
    keys: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Pty {
    /// Starts `iktag ARGS` on `base` with `key`, `dir` as its home, config and state
    /// directory, in a terminal of `rows` × `cols`.
    pub fn start(
        base: &str,
        key: &str,
        dir: &Path,
        args: &[&str],
        (rows, cols): (u16, u16),
    ) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let mut c = CommandBuilder::new(env!("CARGO_BIN_EXE_iktag"));
        c.args(args);
        c.env_clear();
        c.env("TERM", "xterm-256color");
        c.env("HOME", dir);
        c.env("IKTAG_CONFIG_DIR", dir);
        c.env("IKTAG_STATE_DIR", dir);
        c.env("IMAGE_KIT_BASE_URL", base);
        c.env("IMAGEKIT_PRIVATE_KEY", key);
        let child = pair.slave.spawn_command(c).expect("spawn iktag");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZero::new(rows).unwrap(),
            std::num::NonZero::new(cols).unwrap(),
            0,
        )));
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let feed = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().process(&buf[..n]);
            }
        });
        let keys = pair.master.take_writer().expect("writer");
        Pty {
            parser,
            keys,
            child,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.keys.write_all(bytes).unwrap();
    }

    /// Types `line` and Enter.
    pub fn answer(&mut self, line: &str) {
        self.send(line.as_bytes());
        self.send(b"\r");
    }

    /// Waits (at most 30 s) until the screen shows `what`; returns the screen.
    pub fn wait_for(&self, what: &str) -> String {
        self.wait_until(what, |s| s.contains(what))
    }

    /// Waits (at most 30 s) until the screen no longer shows `what`: the key that closes
    /// it has been read, so the next key cannot be taken with it (ESC + `q` = Alt+q).
    pub fn wait_gone(&self, what: &str) {
        self.wait_until(&format!("{what} to go"), |s| !s.contains(what));
    }

    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if done(&s) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits (at most 30 s) for the process to end; its exit code. The screen is the
    /// failure message.
    pub fn exit_code(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                // Let the reader catch up with the last lines.
                std::thread::sleep(Duration::from_millis(100));
                return status.exit_code();
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "iktag did not end; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
