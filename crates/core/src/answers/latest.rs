//! `/latest`: the overview of the newest issue.

use super::reply::Reply;
use super::{issue, AnswerError};
use crate::store::Store;

pub async fn latest(store: &Store) -> Result<Reply, AnswerError> {
    let number = store
        .latest_number()
        .await?
        .ok_or(AnswerError::EmptyArchive)?;
    issue::issue(store, i64::from(number)).await
}
