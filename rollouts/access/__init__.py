"""Who may see and do what.

policy.py (pure) roles, grants, the policy file's format, Permissions · store.py where grants
come from · tokens.py API tokens · identity.py one Identity per request or websocket ·
middleware.py sets request.identity · guards.py the server-side checks of the API and the
buttons · views.py, ratelimit.py, oidc.py signing in and out · context.py the header's account box.
"""
