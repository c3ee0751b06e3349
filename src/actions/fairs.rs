//! Residency-fair prep: officers create the fair and list programs; members mark interest.
//! One transaction each.

use chrono::NaiveDate;

use super::{ActionError, ActionResult, Actions};
use crate::domain::fair::{self, Fair, FairId, FairProgramId, MAX_NOTES};
use crate::domain::{GuildId, UserId};

/// The sentence when a chapter has no fair coming.
pub const NO_FAIR: &str =
    "This chapter has no fair coming up. Officers create one with `/fair create`.";

impl Actions {
    /// A fair the chapter preps for (officers; checked by the caller).
    #[allow(clippy::too_many_arguments)]
    pub async fn create_fair(
        &self,
        guild: GuildId,
        by: UserId,
        name: &str,
        on: NaiveDate,
        conference: Option<i64>,
        members_add_programs: bool,
        today: NaiveDate,
    ) -> ActionResult<Fair> {
        let name =
            fair::check_fair(name, on, today).map_err(|e| ActionError::Refused(e.to_string()))?;
        let mut tx = self.store.begin_locked(guild.0).await?;
        if let Some(c) = conference {
            let id = crate::domain::conference::ConferenceId(c);
            if tx.conference(guild, id).await?.is_none() {
                return Err(ActionError::Refused(super::CONFERENCE_GONE.into()));
            }
        }
        let id = tx
            .add_fair(
                guild,
                &name,
                on,
                conference,
                members_add_programs,
                by,
                self.now(),
            )
            .await?;
        tx.commit().await?;
        Ok(Fair {
            id,
            name,
            on,
            conference,
            members_add_programs,
        })
    }

    /// Lists a program at the fair.
    pub async fn add_fair_program(
        &self,
        fair: FairId,
        name: &str,
        city: Option<&str>,
        notes: Option<&str>,
    ) -> ActionResult<FairProgramId> {
        let name = fair::name_of(name).map_err(|e| ActionError::Refused(e.to_string()))?;
        let city = city
            .map(crate::domain::text::one_line)
            .filter(|c| !c.is_empty());
        let notes = notes
            .map(crate::domain::text::one_line)
            .filter(|n| !n.is_empty());
        if notes
            .as_deref()
            .is_some_and(|n| n.chars().count() > MAX_NOTES)
        {
            return Err(ActionError::Refused(
                fair::FairError::NotesTooLong.to_string(),
            ));
        }
        let mut tx = self.store.begin().await?;
        let Some(id) = tx
            .add_fair_program(fair, &name, city.as_deref(), notes.as_deref(), self.now())
            .await?
        else {
            return Err(ActionError::Refused(format!(
                "{name} is already on the fair's list."
            )));
        };
        tx.commit().await?;
        Ok(id)
    }

    /// The member will talk to a program at the fair (the id is untrusted: it must be this
    /// fair's); returns its name.
    pub async fn mark_fair_interest(
        &self,
        owner: UserId,
        fair: FairId,
        program: FairProgramId,
        show_name: bool,
    ) -> ActionResult<String> {
        let now = self.now();
        let mut tx = self.store.begin_locked(owner.0).await?;
        let Some(name) = tx.fair_program_in(fair, program).await? else {
            return Err(ActionError::Refused(
                "That program is not on this fair's list: see `/fair programs`.".into(),
            ));
        };
        tx.ensure_member(owner, now).await?;
        if !tx.add_fair_interest(owner, program, show_name, now).await? {
            return Err(ActionError::Refused(format!(
                "You already marked {name}: see `/fair mine`."
            )));
        }
        tx.commit().await?;
        Ok(name)
    }
}
