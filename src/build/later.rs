//! Files a preview makes when a browser asks for one (`BuildOptions::files_on_request`): the
//! share cards and the loudspeakers' scripts. `loa serve` held them all in memory (at 100,000
//! articles 1.8 GB of cards and 1 GB of scripts) and made them all again at every rebuild that
//! changed their inputs; most are never looked at in a preview.
//!
//! Takes: what the build holds anyway (a card's texts; a page's scripts, which the memo keeps).
//! Gives: [`Later::bytes`], the very bytes `loa build` writes for that path.
//! Must not: read or write files.

/// A file made when asked.
#[derive(Debug, Clone)]
pub enum Later {
    /// A share card: its texts (`media::card`).
    Card(crate::media::card::CardText),
    /// A script's text or SSML (`bulletin`).
    Script(crate::bulletin::ScriptFile),
}

impl Later {
    /// The file's bytes.
    pub fn bytes(&self) -> Vec<u8> {
        match self {
            Later::Card(text) => crate::media::card::render(text),
            Later::Script(file) => file.bytes(),
        }
    }
}
