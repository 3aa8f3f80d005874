"""一街区一片警 in a real browser: a resident on a phone joins her block's police group by its QR
invitation and sends a hazard tip with a photo from it; her officer, at a desk, finds the tip
with her name, acts on it and closes it; she reads that it was handled — nothing of what was
done, by whom or about whom. The officer's command view shows the area's open tips."""

from e2e.conftest import DESKTOP, PHONE, log_in, photo_file, shot

HAZARD = "5栋楼道里有人把电动车推进去充电，插线板挂在窗户上。"
NOTE = "已到场，责令车主将电动车移至集中充电点，登记在案。"


def test_a_resident_joins_by_qr_sends_a_hazard_and_learns_it_was_handled(
    server, new_page, tmp_path
):
    officer = new_page(DESKTOP)
    log_in(officer, server, "police_officer")
    officer.goto(server["url"] + "/police/")
    officer.click("#officer-groups a >> nth=0")
    assert officer.locator("#invitation svg").count() == 1
    join_url = officer.locator("#join-url").input_value()
    shot(officer, "police-group-qr-desktop")

    resident = new_page(PHONE)
    log_in(resident, server, "resident")
    resident.goto(server["url"] + "/police/")
    assert resident.locator("#my-officer").inner_text().count("覃振华") == 1
    resident.goto(join_url)
    shot(resident, "police-join-phone")
    resident.click("#join")
    resident.wait_for_selector("#group-tip")
    assert resident.locator("#members").count() == 0  # members do not see each other
    resident.select_option("#group-tip #id_kind", "0202")
    resident.fill("#group-tip #id_description", HAZARD)
    resident.set_input_files("#group-tip #id_photos", str(photo_file(tmp_path)))
    shot(resident, "police-tip-phone")
    resident.click("#group-tip button[type=submit]")
    number = resident.locator("#case-number").inner_text().strip()
    assert number.startswith("JW")
    assert resident.locator("#case-status").inner_text() == "已送达片警"
    assert resident.locator("#case-photos img").count() == 1

    officer.goto(server["url"] + "/police/")
    officer.click(f'#routed [data-number="{number}"]')
    assert HAZARD in officer.locator("#description").inner_text()
    assert "林晓梅" in officer.locator("#reporter").inner_text()  # the officer knows who sent it
    officer.click('[data-action="start"]')
    officer.check("#id_outcome_acted")
    officer.fill("#id_note", NOTE)
    shot(officer, "police-tip-close-desktop")
    officer.click('[data-action="close"]')
    officer.wait_for_selector("#outcome")
    assert officer.locator("#case-status").inner_text() == "已结案"

    resident.reload()
    assert resident.locator("#case-status").inner_text() == "已处理"
    page = resident.locator("main").inner_text()
    assert NOTE not in page and "覃振华" not in page and "登记" not in page
    shot(resident, "police-tip-handled-phone")
    resident.goto(server["url"] + "/inbox/")
    assert "您提供的线索已处理" in resident.locator("main").inner_text()

    officer.goto(server["url"] + "/police/command/")
    assert officer.locator("#open-tips tbody tr").count() >= 1  # the demo officer's own
    officer.wait_for_selector("#command-map path.leaflet-interactive")  # and on the map
    shot(officer, "police-command-desktop")
