//! Terminal rendering of replies for `ask`.
