import { describe, expect, it } from "vitest";
import { redactSecrets, redactUrl } from "../src/net/redact.ts";
import { stripControls, stripControlsInLine } from "../src/text/controls.ts";

describe("redactSecrets", () => {
  it("redacts webhook path tokens, keeping the ids that say which webhook it was", () => {
    expect(redactSecrets("Cannot POST /api/webhooks/123456789012345678/AbC_def-GHI?wait=true")).toBe(
      "Cannot POST /api/webhooks/123456789012345678/[redacted]?wait=true",
    );
    expect(redactSecrets("https://hooks.slack.com/services/T0123ABC/B0456DEF/xyzSECRET123 said no")).toBe(
      "https://hooks.slack.com/services/T0123ABC/B0456DEF/[redacted] said no",
    );
  });

  it("redacts Telegram, Slack and Discord bot tokens, bare or in paths", () => {
    const telegram = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq";
    expect(redactSecrets(`GET https://api.telegram.org/bot${telegram}/getMe failed`)).toBe(
      "GET https://api.telegram.org/bot[redacted]/getMe failed",
    );
    expect(redactSecrets(`token ${telegram}`)).toBe("token [redacted]");
    expect(redactSecrets("with xoxb-1234-5678-abcdef and xapp-1-A0-123")).toBe("with [redacted] and [redacted]");
    expect(redactSecrets("Bot MTA0NTY3ODkwMTIzNDU2Nzg5.GabcDE.abcdefghijklmnopqrstuvwxyz0123 refused")).toBe(
      "Bot [redacted] refused",
    );
    expect(redactSecrets("Authorization: Bearer abcdefghijkl")).toBe("Authorization: Bearer [redacted]");
  });

  it("redacts secret query values and URL passwords, and leaves other text alone", () => {
    expect(redactSecrets("GET https://x.example/feed?section=it&token=abc123&sig=zz&api_key=k#top")).toBe(
      "GET https://x.example/feed?section=it&token=[redacted]&sig=[redacted]&api_key=[redacted]#top",
    );
    expect(redactSecrets("https://x.example/a?X-Amz-Signature=deadbeef&access_token=t")).toBe(
      "https://x.example/a?X-Amz-Signature=[redacted]&access_token=[redacted]",
    );
    expect(redactSecrets("fetch https://bob:hunter2@feeds.example/rss: 401")).toBe(
      "fetch https://[redacted]@feeds.example/rss: 401",
    );
    expect(redactSecrets('{"access_token":"sek","ok":false}')).toBe('{"access_token":"[redacted]","ok":false}');
    const plain = "newsdao.kr answered 404 for /2024/07/11/outlook-outage (장애, 3.5 s)";
    expect(redactSecrets(plain)).toBe(plain);
  });
});

describe("redactUrl", () => {
  it("drops user:password and hides secret-named query values, keeping the rest of the address", () => {
    expect(redactUrl("https://bob:pw@feeds.example/rss?section=it&token=abc")).toBe(
      "https://feeds.example/rss?section=it&token=[redacted]",
    );
    expect(redactUrl("https://feeds.example/rss?key=abc&page=2")).toBe(
      "https://feeds.example/rss?key=[redacted]&page=2",
    );
    expect(redactUrl("https://feeds.example/rss?section=it")).toBe("https://feeds.example/rss?section=it");
    expect(redactUrl("wire")).toBe("wire");
  });
});

describe("control and bidi characters", () => {
  it("strips C0/C1 controls, DEL and bidi controls, keeping line breaks, tabs, ZWJ and ZWNJ", () => {
    expect(stripControls("a\u001b]0;pwned\u0007b\u007f\u0085c\r\nd\te")).toBe("a]0;pwnedbc\nd\te");
    expect(stripControls("\u202eexe.png\u202c \u2066x\u2069 \u200e\u200f\u061c\u202a\u202b\u202d\u2067\u2068")).toBe(
      "exe.png x ",
    );
    expect(stripControls("👨\u200d👩\u200d👧 می\u200cخواهم")).toBe("👨\u200d👩\u200d👧 می\u200cخواهم");
  });

  it("makes one terminal line: breaks and tabs become spaces", () => {
    expect(stripControlsInLine("title\nsecond\tline\u001b[31m")).toBe("title second line[31m");
  });
});
