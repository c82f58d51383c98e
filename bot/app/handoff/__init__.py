"""Talk to a person: hand-off of a worker to the NGO's caseworkers (see desk.py)."""

from bot.app.handoff.desk import Handoff, case_number
from bot.app.handoff.hours import BANGKOK, OfficeHours
from bot.app.handoff.port import (
    CannotCopy,
    MessageRef,
    StaffDesk,
    StaffDeskError,
    StaffMessage,
    TopicGone,
    WorkerUnreachable,
)

__all__ = ["BANGKOK", "CannotCopy", "Handoff", "MessageRef", "OfficeHours", "StaffDesk",
           "StaffDeskError", "StaffMessage", "TopicGone", "WorkerUnreachable", "case_number"]
