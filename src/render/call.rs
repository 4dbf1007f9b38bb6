//! One output made with a template: [`TemplateCall`] (where it goes, the template, the values
//! it reads) and [`fill`], which renders it into bytes.
//!
//! Takes the [`Env`] and a call; gives bytes or a diagnostic naming the template, its line and
//! the page. Must not decide what an output shows (the kind's file does) or when it is made.

use tera::Context;

use super::env::{Env, view_with_pages};
use super::templates::tera_error;
use crate::content::DocId;
use crate::diagnostics::Diagnostic;
use crate::output::Bytes;

/// One output to make with a template: where it goes, the template, the source file its errors
/// name, and the values the template reads. Made by [`jobs::prepare`], turned into bytes by
/// [`fill`]. Its views are everything the output depends on besides the templates and the site
/// view, so the build can reuse the bytes of an earlier build when they are the same.
pub struct TemplateCall<'a> {
    /// Output path (`bai-viet/x/index.html`).
    pub path: String,
    /// Template name.
    pub template: &'a str,
    /// The file a template error is reported against (`content/x.md`, `loa.yaml`).
    pub source: String,
    /// The values the template reads, by name, in the order they are given.
    pub views: Vec<(&'static str, View<'a>)>,
    /// Pages whose card a view stands for by the page's index (a [`crate::fingerprint::Derived`]
    /// keyed by it) rather than by its value: their cards are inputs of the output too.
    pub cards: Vec<DocId>,
}

/// One value of a template call.
pub enum View<'a> {
    /// A value, as it serializes.
    Value(Box<dyn ViewValue + 'a>),
    /// A listing: a view whose `pages` field is left empty, and the pages whose cards fill it.
    Listing(Box<dyn ViewValue + 'a>, Vec<DocId>),
}

/// A value a template can read: serializable into a template value, and fingerprinted for the
/// build's reuse of outputs.
pub trait ViewValue {
    /// The value as templates see it.
    fn value(&self) -> tera::Value;
    /// Its fingerprint (see [`crate::fingerprint`]), with the fingerprints of `known` strings.
    fn fingerprint(&self, known: Option<&crate::fingerprint::Prehashed>) -> u64;
}

impl<T: serde::Serialize> ViewValue for T {
    fn value(&self) -> tera::Value {
        tera::Value::from_serializable(self)
    }

    fn fingerprint(&self, known: Option<&crate::fingerprint::Prehashed>) -> u64 {
        crate::fingerprint::of_with(self, known)
    }
}

impl<'a> TemplateCall<'a> {
    /// A call of `template` for the output at `path`, errors reported against `source`.
    pub fn new(path: String, template: &'a str, source: impl Into<String>) -> TemplateCall<'a> {
        TemplateCall { path, template, source: source.into(), views: Vec::new(), cards: Vec::new() }
    }

    /// Adds `value` as `name`.
    pub fn with(mut self, name: &'static str, value: impl ViewValue + 'a) -> TemplateCall<'a> {
        self.views.push((name, View::Value(Box::new(value))));
        self
    }

    /// Declares that a view stands for page `i`'s card by its index (see [`TemplateCall::cards`]).
    pub fn with_card(mut self, i: DocId) -> TemplateCall<'a> {
        self.cards.push(i);
        self
    }

    /// Adds a listing `view` (its `pages` field left empty) as `name`, with the cards of `ids`
    /// as its `pages`.
    pub fn listing(
        mut self,
        name: &'static str,
        view: impl ViewValue + 'a,
        ids: Vec<DocId>,
    ) -> TemplateCall<'a> {
        self.views.push((name, View::Listing(Box::new(view), ids)));
        self
    }
}

/// Renders a template call into the bytes of its output.
pub fn fill(env: &Env<'_>, call: &TemplateCall<'_>) -> Result<Bytes, Diagnostic> {
    let mut c = Context::new();
    for (name, view) in &call.views {
        match view {
            View::Value(v) => c.insert_value(*name, v.value()),
            View::Listing(v, ids) => c.insert_value(*name, view_with_pages(env, v.value(), ids)),
        }
    }
    render_template(env, call.template, &c, &call.source).map(Bytes::new)
}

/// Renders `template` with `ctx`, mapping errors to a diagnostic naming the page.
pub fn render_template(
    env: &Env<'_>,
    template: &str,
    ctx: &Context,
    source: &str,
) -> Result<Vec<u8>, Diagnostic> {
    // Rendering into bytes skips the UTF-8 check of `render` (the output is UTF-8 by
    // construction: templates and context are strings).
    let mut out = Vec::with_capacity(16 * 1024);
    env.templates
        .tera
        .render_to(template, ctx, &mut out)
        .map(|()| out)
        .map_err(|e| tera_error(&e, &env.templates.files, Some(source), Some(template)))
}
