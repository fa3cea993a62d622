"""``contractkit proxy``: validate live traffic between a client and a real server, both ways.

Stages: ``forwarding`` (the upstream call, with httpx), ``app`` (route, validate the request,
forward, validate the answer, fall back to the mock), ``violations`` (what was seen, as
data), ``report`` (Markdown or JUnit on exit), ``cli`` (the verb).
"""
