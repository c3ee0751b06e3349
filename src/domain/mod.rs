//! Plain Rust types and rules of the product: no Discord, no SQL.

pub mod chapter;
pub mod ids;
pub mod member;

pub use chapter::Chapter;
pub use ids::{ChannelId, GuildId, RoleId, UserId};
pub use member::{DmPreferences, Member, Stage, TimeZone, TimeZoneError};
