/** Small real-shaped posts for pipeline tests: Jekyll front matter, HTML body, a 시점/내용 timeline. */
export function koreanPost(n: number, extra = ""): string {
  return `---
title: "[속보] 테스트 장애 ${n}번: 결제 서비스 중단"
categories: [News]
date: 2026-10-${String(10 + (n % 18)).padStart(2, "0")} 09:00:00 +0900
permalink: /news/test-outage-${n}/
excerpt: >
  테스트용 장애 기사 ${n}번입니다. ${extra}
---

<p>결제 서비스가 잠시 멈췄습니다. ${extra}</p>

<table>
<tr><td><b>시점</b></td><td><b>내용</b></td></tr>
<tr><td>오후 1:00</td><td>오류 발생</td></tr>
<tr><td>오후 1:30</td><td>복구 완료</td></tr>
</table>
`;
}

export function plainPost(n: number, body = "No timeline here."): string {
  return `---
title: "Plain post ${n}"
categories: [News]
date: 2026-10-01T00:00:00Z
---

${body}
`;
}
