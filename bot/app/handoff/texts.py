"""What the hand-off tells a worker, marked for translation (locales/*/messages.po).

Phone numbers are {phone:ID} placeholders filled from content/contacts.yaml;
{hours}, {when}, {languages} are filled by bot/app/handoff/desk.py. What the bot
writes in the staff group is in English (staff.py), for the NGO's caseworkers.
"""

from __future__ import annotations

from bot.i18n.ui import N_

CONSENT = N_(
    "<b>Talk to a person</b>\n"
    "A caseworker of the organisation that runs this bot can answer you here, in this "
    "chat.\n\n"
    "<b>What is shared:</b> the messages you send from now until you end the "
    "conversation (text, photos, voice messages, files), and your language. Not your "
    "name, username or phone number, unless you write them yourself.\n"
    "<b>Who reads it:</b> the caseworkers of the organisation, nobody else.\n"
    "<b>How to stop:</b> send /end at any time. /forget also deletes the "
    "conversation.\n\n"
    "Do you want to talk to a caseworker?")
STAFF_LANGUAGES = N_("Our caseworkers may answer in: {languages}.")
YES = N_("Yes, connect me")
NO = N_("No, thank you")
DECLINED = N_("All right, nothing was shared. What do you need help with? Choose a topic, "
              "or type your question.")
CONNECTED = N_("You are connected. Write your message now: a caseworker will answer here, "
               "in this chat. Send /end when you want to finish.")
OUTSIDE_HOURS = N_(
    "Our caseworkers are not at work now (they work {hours}, Thailand time). Your messages "
    "will wait for them, and someone will answer from {when}. In danger now, call "
    "{phone:police} (police) or {phone:ambulance} (ambulance); for trafficking, forced "
    "labour or violence, {phone:prachabodi} (24 hours).")
ALREADY = N_("You are already talking with a caseworker. Write your message here. "
             "Send /end to finish.")
FIRST_SENT = N_("Sent to a caseworker. They will answer in this chat.")
ENDED = N_("You have ended the conversation with the caseworker; nothing more is shared. "
           "To talk again, send /human.")
CLOSED_BY_STAFF = N_("The caseworker has closed this conversation. Thank you for writing. "
                     "If you need help again, tap 🙋 Talk to a person.")
CANNOT_RELAY = N_("Sorry, this could not be passed on to the caseworker. Please send it as "
                  "text, a photo, a voice message or a file.")
UNAVAILABLE = N_("Sorry, I cannot connect you to a caseworker right now. You can call:")
FORGOTTEN = N_("Your conversation with the caseworkers was ended and deleted too.")
CASEWORKER = N_("Caseworker")
