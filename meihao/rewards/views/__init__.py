"""The rewards pages: the resident's side, the merchant's counter, and management."""
