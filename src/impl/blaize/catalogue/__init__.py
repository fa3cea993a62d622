"""What can be held: entitlements, bundles, meters, credits, products and grants; metering, gifting
and the access model computed from holdings.
"""
