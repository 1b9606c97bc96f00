//! Where a command's product goes: a file named with `-o`, or standard
//! output.

use crate::check::UNREADABLE;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `file` (created or replaced) or, without one, to
/// standard output. A failure is reported on `err` and gives exit code 2;
/// a closed standard output (`sfn graph F | head`) is not a failure.
pub fn write(file: Option<&Path>, bytes: &[u8], err: &mut dyn Write) -> u8 {
    match file {
        Some(path) => match std::fs::write(path, bytes) {
            Ok(()) => 0,
            Err(e) => {
                let _ = writeln!(err, "{}: error: cannot write the file: {e}", path.display());
                UNREADABLE
            }
        },
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                Ok(()) => 0,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
                Err(e) => {
                    let _ = writeln!(err, "error: cannot write to standard output: {e}");
                    UNREADABLE
                }
            }
        }
    }
}
