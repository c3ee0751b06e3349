//! Plain Rust types and rules of the product: no Discord, no SQL.

pub mod chapter;
pub mod contact;
pub mod ids;
pub mod member;
pub mod network;
pub mod quick_add;
pub mod when;

pub use chapter::Chapter;
pub use ids::{ChannelId, GuildId, RoleId, UserId};
pub use member::{DmPreferences, Member, Stage, TimeZone, TimeZoneError};
