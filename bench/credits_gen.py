#!/usr/bin/env python3
"""bench/credits_gen.py - a credits file for `tdc import credits`.

Reads ID numbers (one per line) on stdin and writes ENTRIES rows of
身份证号,日期,学时,类别,项目名称,来源,记录编号 to stdout: spread over the
years FROM..TO, in date order (as another system exports its records),
persons in a shuffled order each day, record numbers ascending.  Hours
are whole or half hours; categories and titles vary.  Deterministic from
the seed.

usage: credits_gen.py ENTRIES FROM TO [SEED] < ids > credits.csv
"""
import random
import sys

def main():
    entries, y0, y1 = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    ids = sys.stdin.read().split()
    if not ids:
        sys.exit("credits_gen: no ID numbers on stdin")
    cats = ["专题研修", "公需科目", "专业科目", "选修科目", "全员培训", "校本研修", "网络研修"]
    titles = ["新课标专题研修", "师德师风专题培训", "信息技术应用能力提升", "班主任工作研修",
              "心理健康教育培训", "作业设计与评价", "大单元教学设计", "课堂观察与诊断"]
    hours = ["1", "1.5", "2", "2.5", "3", "4", "6", "8", "12", "16"]
    out = sys.stdout
    out.write("身份证号,日期,学时,类别,项目名称,来源,记录编号\n")
    days = []
    for y in range(y0, y1 + 1):
        for m in range(1, 13):
            for d in (5, 12, 19, 26):
                days.append("%04d-%02d-%02d" % (y, m, d))
    per_day = entries // len(days)
    extra = entries - per_day * len(days)
    n = 0
    buf = []
    for i, day in enumerate(days):
        k = per_day + (1 if i < extra else 0)
        for _ in range(k):
            n += 1
            buf.append("%s,%s,%s,%s,%s,导入,GZ%010d\n" % (
                ids[rng.randrange(len(ids))], day, hours[rng.randrange(10)],
                cats[rng.randrange(7)], titles[rng.randrange(8)], n))
            if len(buf) >= 100000:
                out.write("".join(buf))
                buf = []
    out.write("".join(buf))

main()
