//! The narrowing-down analyses, one enum for all: races, stale reads, a state machine.

use crate::analysis::{self, races, stale, verify};
use crate::model::Store;

/// An analysis to run over every event.
#[derive(Clone, Debug)]
pub enum Analysis {
    /// Data races and lost updates in schedules and race reports.
    Races,
    /// Reads that returned a value older than a completed write.
    Stale,
    /// The first illegal transition of each instance of a state machine.
    Verify(verify::Spec),
}

/// What an analysis found.
#[derive(Clone, Debug)]
pub enum Findings {
    Races(races::Analysis),
    Stale(Vec<stale::StaleRead>),
    Verify(verify::Report),
}

/// Read a state machine from a TOML file; errors name the file.
pub fn read_spec(path: &str) -> Result<verify::Spec, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    verify::Spec::parse(&text).map_err(|e| format!("{path}: {e}"))
}

/// An analysis as asked for, before its inputs are read: what the workbench's `:races`,
/// `:stale` and `:verify SPEC.toml` commands carry to a worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    Races,
    Stale,
    /// Check the state machine in this TOML file.
    Verify(String),
}

impl Request {
    /// How the request is named in a status line (`verify PATH`).
    pub fn text(&self) -> String {
        match self {
            Request::Races => "races".into(),
            Request::Stale => "stale".into(),
            Request::Verify(path) => format!("verify {path}"),
        }
    }

    /// The analysis to run (a spec file is read and checked here).
    pub fn load(&self) -> Result<Analysis, String> {
        match self {
            Request::Races => Ok(Analysis::Races),
            Request::Stale => Ok(Analysis::Stale),
            Request::Verify(path) => read_spec(path).map(Analysis::Verify),
        }
    }
}

impl Analysis {
    /// Run the analysis over every event of the store.
    pub fn run(&self, store: &Store) -> Findings {
        let all = analysis::all(store);
        match self {
            Analysis::Races => Findings::Races(races::analyse(store, &all)),
            Analysis::Stale => Findings::Stale(stale::stale_reads(store, &all)),
            Analysis::Verify(spec) => Findings::Verify(verify::verify(store, spec, &all)),
        }
    }
}

impl Findings {
    /// True when the analysis found something: a race or lost update, a stale read, a
    /// violation.
    pub fn found(&self) -> bool {
        match self {
            Findings::Races(a) => !a.races.is_empty() || !a.lost_updates.is_empty(),
            Findings::Stale(s) => !s.is_empty(),
            Findings::Verify(v) => !v.violations.is_empty(),
        }
    }

    /// The events the findings point at, in the order to step through them: both events of
    /// each race then each lost update's events; each stale read's write and read; each
    /// violation's previous and offending event.
    pub fn events(&self) -> Vec<u32> {
        match self {
            Findings::Races(a) => a
                .races
                .iter()
                .flat_map(|x| [x.a, x.b])
                .chain(a.lost_updates.iter().flat_map(|l| l.events.iter().copied()))
                .collect(),
            Findings::Stale(s) => s.iter().flat_map(|x| [x.write, x.read]).collect(),
            Findings::Verify(v) => v
                .violations
                .iter()
                .flat_map(|x| x.previous.into_iter().chain([x.event]))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{load_named_bytes, LoadOptions};

    /// Two threads read 0 and both write 1: a lost update.
    const SCHEDULE: &str = r#"{"ts":1,"thread":"T1","op":"read","obj":"c","value":0}
{"ts":2,"thread":"T2","op":"read","obj":"c","value":0}
{"ts":3,"thread":"T1","op":"write","obj":"c","value":1}
{"ts":4,"thread":"T2","op":"write","obj":"c","value":1}
"#;

    #[test]
    fn requests_are_named_and_load_their_spec() {
        assert!(matches!(Request::Races.load(), Ok(Analysis::Races)));
        assert!(matches!(Request::Stale.load(), Ok(Analysis::Stale)));
        assert_eq!(Request::Verify("s.toml".into()).text(), "verify s.toml");
        let e = Request::Verify("/nonexistent/m.toml".into())
            .load()
            .unwrap_err();
        assert!(e.starts_with("/nonexistent/m.toml: "), "{e}");
    }

    #[test]
    fn findings_point_at_the_events_to_step_through() {
        let store = load_named_bytes(&[("s.jsonl", SCHEDULE.as_bytes())], &LoadOptions::default())
            .expect("loads");
        let Findings::Races(r) = Analysis::Races.run(&store) else {
            panic!("races answer with races");
        };
        assert_eq!(r.lost_updates.len(), 1);
        let events = Findings::Races(r.clone()).events();
        let lost = &r.lost_updates[0].events;
        assert_eq!(&events[events.len() - lost.len()..], &lost[..]);
        assert!(lost.iter().all(|&i| (i as usize) < store.len()));
        let Findings::Stale(s) = Analysis::Stale.run(&store) else {
            panic!("stale answers with stale reads");
        };
        assert_eq!(
            Findings::Stale(s.clone()).events(),
            s.iter().flat_map(|x| [x.write, x.read]).collect::<Vec<_>>()
        );
    }
}
