"""The time bank (时间银行): members, help requests in claim mode, minutes moved
through the ledger.
"""
