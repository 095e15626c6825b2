"""督察任务 (campaigns): units, teams, dates and 不涉及 profiles in one audited file; each unit's
自查表 out and back; where every unit stands. No UI."""

from .model import FORMAT, SUFFIX, CampaignSpec, CampaignUnit, Dates, Team
from .progress import (
    UNIT_STATUSES,
    UnitProgress,
    create_unit_inspection,
    open_or_create,
    unit_progress,
)
from .store import Campaign, CampaignError, CampaignStore, CampaignSummary

__all__ = [
    "FORMAT", "SUFFIX", "Campaign", "CampaignError", "CampaignSpec", "CampaignStore", "CampaignSummary", "CampaignUnit",
    "Dates", "Team", "UNIT_STATUSES", "UnitProgress", "create_unit_inspection", "open_or_create", "unit_progress",
]
