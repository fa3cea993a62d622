"""The Decision Engine: request rules in order, who is asking, trusted referrers, rule scripts in a
QuickJS sandbox, and the effects of a decision.
"""
