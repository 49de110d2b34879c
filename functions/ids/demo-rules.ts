/**
 * THE DEMO SET: a dozen signatures written for this project (not from any published rule set),
 * used when the configuration names no rule files, so `snf` runs the IDS with no data at hand.
 * Snort 2 syntax, local sid range (≥ 1,000,000), parsed by the same parser as real rule files.
 */
export const DEMO_RULES_FILE = '(built-in demo rules)';

export const DEMO_RULES = String.raw`
alert tcp any any -> any any (msg:"SNF-DEMO path traversal to /etc/passwd"; flow:to_server; content:"/etc/passwd"; sid:1000001; rev:1;)
alert tcp any any -> any any (msg:"SNF-DEMO Windows command shell requested"; content:"cmd.exe"; nocase; sid:1000002; rev:1;)
alert tcp any any -> any any (msg:"SNF-DEMO sqlmap user agent"; content:"User-Agent|3a| sqlmap"; nocase; http_header; sid:1000003; rev:1;)
alert tcp any any -> any any (msg:"SNF-DEMO SQL injection UNION SELECT"; content:"UNION SELECT"; nocase; sid:1000004; rev:1;)
alert tcp any any -> any any (msg:"SNF-DEMO directory traversal"; content:"../../../"; sid:1000005; rev:1;)
alert tcp any any -> any any (msg:"SNF-DEMO PowerShell encoded command"; content:"powershell"; nocase; content:"-enc"; nocase; sid:1000006; rev:1;)
alert tcp any any -> any any (msg:"SNF-DEMO shellshock probe"; content:"() { :|3b|}|3b|"; sid:1000007; rev:1;)
alert tcp any any -> any any (msg:"SNF-DEMO Nikto scanner"; content:"Nikto"; sid:1000008; rev:1;)
alert tcp any any -> any any (msg:"SNF-DEMO PHP webshell eval of base64"; content:"eval(base64_decode("; nocase; sid:1000009; rev:1;)
alert tcp any any -> any any (msg:"SNF-DEMO root shell banner"; content:"uid=0(root)"; sid:1000010; rev:1;)
alert tcp any any -> any any (msg:"SNF-DEMO x86 NOP sled"; content:"|90 90 90 90 90 90 90 90 90 90 90 90|"; sid:1000011; rev:1;)
alert udp any any -> any any (msg:"SNF-DEMO TFTP read of a config file"; content:"|00 01|"; content:"running-config"; nocase; sid:1000012; rev:1;)
alert ip any any -> any any (msg:"SNF-DEMO EICAR test string"; content:"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR"; sid:1000013; rev:1;)
`;
