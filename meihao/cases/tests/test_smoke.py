from meihao.cases import services


def test_happy_path_from_report_to_closure(personas, new_case):
    case = new_case()
    assert case.place == personas.tree.grid_a1
    services.case_accept(case=case, actor=personas.street_chief_a)
    services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department
    )
    services.case_start(case=case, actor=personas.department_staff)
    services.case_report_back(case=case, actor=personas.department_staff, note="已清理")
    services.case_verify_close(case=case, actor=personas.grid_worker_a)
    case.refresh_from_db()
    assert case.status == "closed"
    assert [e.action for e in case.events.all()] == [
        "submit",
        "accept",
        "dispatch",
        "start",
        "report_back",
        "verify_close",
    ]
