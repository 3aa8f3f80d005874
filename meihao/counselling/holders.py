"""Who works a counselling request: a `cases.pool.RolePool` of the counsellors — those of the
resident's community while nobody has taken it, then the counsellor who took it, alone. No
place role reads it; the resident reads their own, confirms the session and may withdraw."""

from meihao.cases.pool import RolePool
from meihao.core.roles import Role

COUNSELLORS = frozenset({Role.COUNSELLOR})
COUNSELLOR_POOL = RolePool(COUNSELLORS)
COUNSEL_HOLDERS = COUNSELLOR_POOL.holders()
