//! Taking over the terminal and giving it back on every exit path: normal return, error,
//! and panic (a hook restores the screen before the panic message is printed).

use crossterm::{event, execute, terminal};
use ratatui::backend::CrosstermBackend;
use std::io::Stdout;

/// The terminal the workbench draws on.
pub type Term = ratatui::Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped (normal exit, error, or unwinding panic).
pub struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Leave raw mode and the alternate screen, show the cursor; errors are ignored.
pub fn restore() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        event::DisableMouseCapture,
        terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Enter raw mode and the alternate screen with mouse capture. The guard restores the
/// terminal when dropped; a panic hook (chained before the previous one) does it on panics.
pub fn enter() -> anyhow::Result<(Term, TerminalGuard)> {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        default_hook(info);
    }));
    terminal::enable_raw_mode()?;
    let guard = TerminalGuard;
    execute!(
        std::io::stdout(),
        terminal::EnterAlternateScreen,
        event::EnableMouseCapture
    )?;
    let term = ratatui::Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    Ok((term, guard))
}
