//! A service's consumer of the bus: its position, its committed offset and its processed-message
//! table.

use crate::ids::{MessageId, Offset};
pub use crate::processed_table::ProcessedTable;
use serde::{Deserialize, Serialize};

/// The message a consumer is handling now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InHand {
    /// The record's offset.
    pub offset: Offset,
    /// When the consumer asked the bus for the batch holding it.
    pub fetched_at_ms: u64,
    /// When the record reached the consumer.
    pub delivered_at_ms: u64,
    /// When handling completes.
    pub done_at_ms: u64,
    /// The duplicate fault struck: the offset will not advance, so the record comes again.
    pub redeliver: bool,
    /// Handling attempts so far (a failing handler is retried before dead-lettering).
    pub attempt: u32,
}

/// A consumer's state.
#[derive(Clone, Debug, Default)]
pub struct Consumer {
    /// Next offset to read (memory: reset to `committed` on restart).
    pub position: Offset,
    /// The offset the bus has on record for this consumer (broker side, survives crashes).
    pub committed: Offset,
    /// The record being handled, if any (memory).
    pub in_hand: Option<InHand>,
    /// Records below this offset were fetched in the last batch and are local (memory).
    pub fetched_until: Offset,
    /// When that batch reached the consumer.
    pub fetch_arrives_at_ms: u64,
    /// When that batch was asked for.
    pub fetch_sent_at_ms: u64,
    /// The processed-message table (the service's database, survives crashes).
    pub processed: ProcessedTable,
    /// Records handled so far, duplicates included.
    pub handled_total: u64,
    /// One past the highest offset handled (the service's database, survives crashes), so a
    /// restart that rewinds to the committed offset can tell re-reads from records never read.
    pub handled_until: Offset,
    /// The last offset the duplicate fault redelivered (memory): a record comes twice at most.
    pub redelivered: Option<Offset>,
    /// The last duplicate this consumer met, for the screen's badge (not part of the trace).
    pub last_duplicate: Option<DuplicateSeen>,
}

/// A duplicate a consumer met: ignored thanks to its processed-message table, or applied again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DuplicateSeen {
    /// When it was handled.
    pub at_ms: u64,
    /// The message.
    pub message: MessageId,
    /// True when the handler changed its tables a second time.
    pub applied: bool,
}
