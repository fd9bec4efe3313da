//! The unified event model: events, typed values, interned strings, time, and the store.

pub mod event;
pub mod field;
pub mod jumps;
pub mod lanes;
pub mod packed;
pub mod segments;
pub mod sort;
pub mod store;
pub mod strings;
pub mod template;
pub mod time;

pub use event::{Attr, Event, Kind, Level, Op, Status, Value};
pub use lanes::{LaneId, LaneKey, LaneNames};
pub use store::{
    EventView, Format, Grown, LivePart, ParseError, Parsed, Refused, Source, Store, KEPT_ERRORS,
};
pub use strings::{Strings, Sym};
