import { describe, expect, it } from "vitest";
import { basicUserValid } from "../src/auth.ts";

const users = [
  { name: "ops", password: "pa:ss" },
  { name: "운영", password: "비밀 번호" },
];
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString("base64")}`;

describe("HTTP Basic credentials (basicUserValid)", () => {
  it("names the user whose name and password both match, passwords may hold ':' and names any Unicode", () => {
    expect(basicUserValid(basic("ops:pa:ss"), users)).toBe("ops");
    expect(basicUserValid(basic("운영:비밀 번호"), users)).toBe("운영");
    expect(basicUserValid(`basic   ${Buffer.from("ops:pa:ss").toString("base64")}  `, users)).toBe("ops");
  });

  it("refuses a wrong password, another user's password, a missing colon and anything that is not Basic", () => {
    for (const header of [
      basic("ops:pa:s"),
      basic("ops:pa:ss "),
      basic("ops:비밀 번호"),
      basic("OPS:pa:ss"),
      basic("ops"),
      basic(":"),
      "Bearer pa:ss",
      "Basic",
      "Basic !!!",
      undefined,
    ]) {
      expect(basicUserValid(header, users), String(header)).toBeNull();
    }
    expect(basicUserValid(basic("ops:pa:ss"), [])).toBeNull();
  });
});
