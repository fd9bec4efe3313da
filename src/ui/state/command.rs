//! `:` commands as typed values: parsed once from the query bar, then carried out by `update`.

use crate::model::LaneKey;
pub use crate::ops::analyse::Request as Analysis;

/// A command typed after `:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Quit,
    /// Group lanes by another key.
    Lanes(LaneKey),
    Theme(String),
    Analyse(Analysis),
    /// Rank hypotheses for an outcome filter per key.
    Suggest {
        outcome: String,
        per: String,
    },
    /// Write the listed events as JSON lines.
    Save(String),
}

impl Command {
    /// Parse a command line; `Ok(None)` for an empty one, `Err` with the message to show.
    pub fn parse(text: &str) -> Result<Option<Command>, String> {
        let mut parts = text.split_whitespace();
        let cmd = match (parts.next(), parts.next()) {
            (None, _) => return Ok(None),
            (Some("q" | "quit"), _) => Command::Quit,
            (Some("lanes"), Some(k)) => match LaneKey::parse(k) {
                Some(key) => Command::Lanes(key),
                None => {
                    return Err(format!(
                        "unknown lane key '{k}' (service, thread, request, trace, source)"
                    ))
                }
            },
            (Some("theme"), Some(t)) => Command::Theme(t.to_string()),
            (Some("races"), _) => Command::Analyse(Analysis::Races),
            (Some("stale"), _) => Command::Analyse(Analysis::Stale),
            (Some("verify"), Some(spec)) => Command::Analyse(Analysis::Verify(spec.to_string())),
            (Some("suggest"), Some(_)) => {
                let rest = text.trim_start().trim_start_matches("suggest").trim();
                match rest.rsplit_once(" per ") {
                    Some((outcome, per)) => Command::Suggest {
                        outcome: outcome.trim().to_string(),
                        per: per.trim().to_string(),
                    },
                    None => return Err(
                        "usage: :suggest FILTER per KEY (e.g. :suggest level = error per request)"
                            .into(),
                    ),
                }
            }
            (Some("save"), Some(path)) => Command::Save(path.to_string()),
            (Some(other), _) => {
                return Err(format!(
                    "unknown command '{other}' (lanes KEY, theme NAME, save FILE, races, stale, verify SPEC, q)"
                ))
            }
        };
        Ok(Some(cmd))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_into_values() {
        let p = |s: &str| Command::parse(s);
        assert_eq!(p("  "), Ok(None));
        assert_eq!(p("q"), Ok(Some(Command::Quit)));
        assert_eq!(p("lanes thread"), Ok(Some(Command::Lanes(LaneKey::Thread))));
        assert!(p("lanes colour")
            .unwrap_err()
            .contains("unknown lane key 'colour'"));
        assert_eq!(
            p("verify spec.toml"),
            Ok(Some(Command::Analyse(Analysis::Verify("spec.toml".into()))))
        );
        assert_eq!(
            p("suggest level = error per request"),
            Ok(Some(Command::Suggest {
                outcome: "level = error".into(),
                per: "request".into()
            }))
        );
        assert!(p("suggest level = error").unwrap_err().starts_with("usage"));
        assert!(p("verify")
            .unwrap_err()
            .contains("unknown command 'verify'"));
        assert_eq!(Analysis::Verify("s.toml".into()).text(), "verify s.toml");
    }
}
