"""Complaints: the life of one complaint in the domain.

- filing: a reporter's (or village head's) draft becomes a complaint; who may see what;
- status_door: the one door every status change goes through (history, reporter message);
- offices: which office acts (core.routing plus "is that OPD active"), the main admin's office;
- assignment: routing to a village and an office, and the deadlines that follow;
- desk: what an official does on a complaint, from the panel or the village's Telegram desk;
- asking: a question to the reporter and its answer, threaded; news: the office's "new from
  the reporter" flag; pause: the deadline waiting for the answer (issue 17).
"""
