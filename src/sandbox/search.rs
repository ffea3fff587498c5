// TEMPORARY STUB: replaced by the real parser.
use crate::model::{CustomMetadataField, FileDetails, FolderDetails, Timestamp};
pub struct Query;
#[derive(Debug, Clone, PartialEq)]
pub struct SearchError {
    pub message: String,
}
pub fn parse(_input: &str) -> Result<Query, SearchError> {
    Ok(Query)
}
pub struct EvalContext<'a> {
    pub now: Timestamp,
    pub fields: &'a [CustomMetadataField],
}
impl Query {
    pub fn validate(&self, _f: &[CustomMetadataField]) -> Result<(), SearchError> {
        Ok(())
    }
    pub fn matches_file(&self, _f: &FileDetails, _c: &EvalContext) -> bool {
        true
    }
    pub fn matches_folder(&self, _f: &FolderDetails, _c: &EvalContext) -> bool {
        true
    }
    pub fn mentions_type(&self) -> bool {
        false
    }
}
