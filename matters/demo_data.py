"""Places of 示范市 where matters are handled: the service centres of the city, its districts,
a street, a town and a community, the police hall and the marriage registry.

The demo catalog (``matters/fixtures/示范市事项清单.xlsx``) names them in its 办理地点 column;
the catalog loader gives a delegated matter its new department's place from here, and the
halls loader (``halls/demo.py``) builds the halls from them. Fictional data about a fictional city.
"""

from __future__ import annotations

# ---- places: key -> (name, address, phone, hours) -------------------------------------------
HOURS = "周一至周五 上午9:00-12:00，下午13:30-17:00（法定节假日除外）"
PLACES: dict[str, tuple[str, str, str, str]] = {
    "city": ("示范市政务服务中心", "示范市人民大道88号市民中心B座", "0999-8800000", HOURS),
    "donghu": ("东湖区政务服务中心", "示范市东湖区湖光路16号", "0999-8611000", HOURS),
    "xishan": ("西山区政务服务中心", "示范市西山区青松路200号", "0999-8722000", HOURS),
    "hubin": ("湖滨街道便民服务中心", "示范市东湖区滨湖北路3号", "0999-8633000", HOURS),
    "qingshi": ("青石镇便民服务中心", "示范市西山区青石镇镇府路1号", "0999-8744000", HOURS),
    "cuihu": (
        "翠湖社区便民服务站",
        "示范市东湖区翠湖花园1栋一楼",
        "0999-8633100",
        "周一至周六 9:00-12:00，14:00-17:30",
    ),
    "police": ("示范市公安局出入境和户政服务大厅", "示范市人民大道90号", "0999-8810110", HOURS),
    "marriage": ("示范市婚姻登记处", "示范市解放路52号", "0999-8820520", "周一至周六 9:00-12:00，13:30-17:00"),
}
