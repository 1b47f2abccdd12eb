"""Accounts: passwords, signing in with lockout, single-use links, ending sessions.

The primitives every feature that deals with people builds on; the sign-in pages are in course.auth,
single sign-on in course.sso, the admin pages for people in course.people.
"""
