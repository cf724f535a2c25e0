//! Replies for each command: built from the store, free of Discord types.
