package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// ParseError is a problem in a policy file: where it is and what to fix, on one line.
type ParseError struct {
	File string // "" when parsing bytes
	Line int    // 1-based; 0 when unknown
	Msg  string
}

// Error renders "file:line: message".
func (e *ParseError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		if e.File == "" {
			b.WriteString("line ")
		}
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
	} else if e.File != "" {
		b.WriteString(" ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func errAt(n *yaml.Node, format string, args ...any) *ParseError {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &ParseError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Load reads and parses a policy file. Errors name the file and line.
func Load(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("policy file %s does not exist: check the path (or use --profile)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("policy file: %w", err)
	}
	p, err := Parse(data)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.File = path
			return nil, pe
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

var yamlLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })

// Parse parses and validates a policy in the YAML format described in the package doc. Every
// error is a *ParseError naming the line and what to fix.
func Parse(data []byte) (*Policy, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := strings.SplitN(err.Error(), "\n", 2)[0]
		if m := yamlLine().FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			msg := "invalid YAML: " + m[2]
			if lines := strings.Split(string(data), "\n"); line >= 1 && line <= len(lines) && strings.Contains(lines[line-1], "@") && !strings.Contains(lines[line-1], `"@`) {
				msg += ` (quote group names: "@debug")`
			}
			return nil, &ParseError{Line: line, Msg: msg}
		}
		return nil, &ParseError{Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
	}
	if len(doc.Content) == 0 {
		return nil, &ParseError{Msg: "empty policy: it needs at least name, default and rules"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errAt(root, "a policy is a mapping with keys name, description, default, rules")
	}
	p := &Policy{}
	seenDefault := false
	err := eachKey(root, []string{"name", "description", "default", "rules", "filesystem", "jail"}, func(key string, k, v *yaml.Node) error {
		switch key {
		case "filesystem":
			return parseFilesystem(v, &p.Jail)
		case "jail":
			return parseJail(v, &p.Jail)
		case "name":
			return str(v, &p.Name)
		case "description":
			return str(v, &p.Description)
		case "default":
			seenDefault = true
			return parseDefault(v, &p.Default)
		case "rules":
			if v.Kind != yaml.SequenceNode {
				return errAt(v, "rules must be a list of rules (each starting with \"- name: ...\")")
			}
			for _, rn := range v.Content {
				r, err := parseRule(rn)
				if err != nil {
					return err
				}
				p.Rules = append(p.Rules, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !seenDefault {
		return nil, errAt(root, "missing \"default:\" (the action for syscalls no rule names, e.g. allow or {action: errno, errno: EPERM})")
	}
	if err := p.Validate(); err != nil {
		return nil, &ParseError{Line: root.Line, Msg: err.Error()}
	}
	return p, nil
}

// eachKey walks a mapping, rejecting keys outside known (with a suggestion) and duplicates.
func eachKey(m *yaml.Node, known []string, f func(key string, k, v *yaml.Node) error) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		key := k.Value
		ok := false
		for _, kn := range known {
			ok = ok || kn == key
		}
		if !ok {
			return errAt(k, "unknown key %q%s; allowed here: %s", key, suggest(key, known), strings.Join(known, ", "))
		}
		if seen[key] {
			return errAt(k, "key %q given twice", key)
		}
		seen[key] = true
		if err := f(key, k, v); err != nil {
			return err
		}
	}
	return nil
}

func str(v *yaml.Node, dst *string) error {
	if v.Kind != yaml.ScalarNode {
		return errAt(v, "expected a plain string")
	}
	*dst = v.Value
	return nil
}

func parseDefault(v *yaml.Node, a *Action) error {
	switch v.Kind {
	case yaml.ScalarNode:
		a.Kind = ActionKind(v.Value)
	case yaml.MappingNode:
		err := eachKey(v, []string{"action", "errno"}, func(key string, k, v *yaml.Node) error {
			if key == "action" {
				return str(v, (*string)(&a.Kind))
			}
			return str(v, &a.Errno)
		})
		if err != nil {
			return err
		}
	default:
		return errAt(v, "default is an action (allow, log, kill, trap) or {action: errno, errno: EPERM}")
	}
	if err := a.validate(); err != nil {
		return errAt(v, "default: %v", err)
	}
	return nil
}

func parseRule(n *yaml.Node) (Rule, error) {
	var r Rule
	if n.Kind != yaml.MappingNode {
		return r, errAt(n, "a rule is a mapping with keys name, explain, syscalls, args, action, errno, report")
	}
	var actionNode, syscallsNode *yaml.Node
	err := eachKey(n, []string{"name", "explain", "syscalls", "args", "action", "errno", "report"}, func(key string, k, v *yaml.Node) error {
		switch key {
		case "name":
			return str(v, &r.Name)
		case "explain":
			return str(v, &r.Explain)
		case "syscalls":
			syscallsNode = v
			items := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				items = v.Content
			}
			for _, it := range items {
				if it.Kind != yaml.ScalarNode {
					return errAt(it, "syscalls is a list of names: [ptrace, \"@mount\", \"=clone3\"]")
				}
				r.Syscalls = append(r.Syscalls, it.Value)
			}
		case "args":
			if v.Kind != yaml.SequenceNode {
				return errAt(v, "args is a list of conditions: [{arg: 0, op: \"==\", value: 1}]")
			}
			for _, an := range v.Content {
				c, err := parseArg(an)
				if err != nil {
					return err
				}
				r.Args = append(r.Args, c)
			}
		case "action":
			actionNode = v
			return str(v, (*string)(&r.Action.Kind))
		case "errno":
			return str(v, &r.Action.Errno)
		case "report":
			var b bool
			if err := v.Decode(&b); err != nil {
				return errAt(v, "report is true or false")
			}
			r.Report = &b
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	where := fmt.Sprintf("rule %q", r.Name)
	if r.Name == "" {
		return r, errAt(n, "rule without a name: add \"name: ...\" (it is shown when the rule blocks a call)")
	}
	if syscallsNode == nil || len(r.Syscalls) == 0 {
		return r, errAt(n, "%s: no syscalls: add \"syscalls: [name, ...]\"", where)
	}
	if actionNode == nil {
		return r, errAt(n, "%s: missing \"action:\" (allow, errno, kill, trap or log)", where)
	}
	if err := r.Action.validate(); err != nil {
		return r, errAt(actionNode, "%s: %v", where, err)
	}
	items := []*yaml.Node{syscallsNode}
	if syscallsNode.Kind == yaml.SequenceNode {
		items = syscallsNode.Content
	}
	for _, it := range items {
		if err := checkSyscallEntry(it.Value, len(r.Args) > 0); err != nil {
			return r, errAt(it, "%s: %v", where, err)
		}
	}
	if err := r.validate(); err != nil {
		return r, errAt(n, "%s: %v", where, err)
	}
	return r, nil
}

func parseArg(n *yaml.Node) (ArgCond, error) {
	var c ArgCond
	if n.Kind != yaml.MappingNode {
		return c, errAt(n, "a condition is a mapping: {arg: 0, op: \"==\", value: 1}")
	}
	var valueNode, maskNode *yaml.Node
	seenArg := false
	err := eachKey(n, []string{"arg", "op", "value", "mask", "width64"}, func(key string, k, v *yaml.Node) error {
		switch key {
		case "arg":
			seenArg = true
			if err := v.Decode(&c.Index); err != nil {
				return errAt(v, "arg is the argument index, 0 to 5")
			}
		case "op":
			return str(v, &c.Op)
		case "value":
			valueNode = v
		case "mask":
			maskNode = v
		case "width64":
			if err := v.Decode(&c.Width64); err != nil {
				return errAt(v, "width64 is true or false")
			}
		}
		return nil
	})
	if err != nil {
		return c, err
	}
	if !seenArg {
		return c, errAt(n, "condition without \"arg:\" (the argument index, 0 to 5)")
	}
	if valueNode == nil {
		return c, errAt(n, "condition without \"value:\"")
	}
	if c.Value, err = parseValue(valueNode, c.Width64); err != nil {
		return c, err
	}
	if maskNode != nil {
		if c.Mask, err = parseValue(maskNode, c.Width64); err != nil {
			return c, err
		}
	}
	if err := c.validate(); err != nil {
		return c, errAt(n, "%v", err)
	}
	return c, nil
}

// parseValue reads a number (decimal, 0x hex, 0o octal, negative as two's complement of the
// compared width) or names joined by "|" (CLONE_NEWUSER|CLONE_NEWNS).
func parseValue(v *yaml.Node, width64 bool) (uint64, error) {
	if v.Kind != yaml.ScalarNode {
		return 0, errAt(v, "value is a number or constant names joined by |")
	}
	var total uint64
	for _, tok := range strings.Split(v.Value, "|") {
		tok = strings.TrimSpace(tok)
		if x, ok := constByName()[tok]; ok {
			total |= x
			continue
		}
		if x, err := strconv.ParseUint(tok, 0, 64); err == nil {
			total |= x
			continue
		}
		if x, err := strconv.ParseInt(tok, 0, 64); err == nil {
			if !width64 {
				x &= 0xffffffff
			}
			total |= uint64(x)
			continue
		}
		return 0, errAt(v, "unknown constant %q in value%s; write a number or a name such as AF_INET, CLONE_NEWUSER, TIOCSTI", tok, suggest(tok, sortedConstNames()))
	}
	return total, nil
}

// Marshal writes the policy as YAML that Parse reads back to an equal policy. Argument values
// carry a comment with their symbolic names.
func (p *Policy) Marshal() ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	add := func(m *yaml.Node, key string, v *yaml.Node) {
		m.Content = append(m.Content, strNode(key), v)
	}
	add(root, "name", strNode(p.Name))
	if p.Description != "" {
		add(root, "description", strNode(p.Description))
	}
	if p.Default.Errno == "" {
		add(root, "default", strNode(string(p.Default.Kind)))
	} else {
		d := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
		add(d, "action", strNode(string(p.Default.Kind)))
		add(d, "errno", strNode(p.Default.Errno))
		add(root, "default", d)
	}
	rules := &yaml.Node{Kind: yaml.SequenceNode}
	for _, r := range p.Rules {
		rn := &yaml.Node{Kind: yaml.MappingNode}
		add(rn, "name", strNode(r.Name))
		if r.Explain != "" {
			add(rn, "explain", strNode(r.Explain))
		}
		sc := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, s := range r.Syscalls {
			sc.Content = append(sc.Content, strNode(s))
		}
		add(rn, "syscalls", sc)
		if len(r.Args) > 0 {
			an := &yaml.Node{Kind: yaml.SequenceNode}
			for _, c := range r.Args {
				cn := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
				add(cn, "arg", intNode(strconv.Itoa(c.Index)))
				add(cn, "op", strNode(c.Op))
				add(cn, "value", intNode(hex(c.Value)))
				if c.Mask != 0 {
					add(cn, "mask", intNode(hex(c.Mask)))
				}
				if c.Width64 {
					add(cn, "width64", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
				}
				if cm := constComment(r.Syscalls, c.Index, c.Value); cm != "" {
					cn.LineComment = cm
				}
				an.Content = append(an.Content, cn)
			}
			add(rn, "args", an)
		}
		add(rn, "action", strNode(string(r.Action.Kind)))
		if r.Action.Errno != "" {
			add(rn, "errno", strNode(r.Action.Errno))
		}
		if r.Report != nil {
			add(rn, "report", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(*r.Report)})
		}
		rules.Content = append(rules.Content, rn)
	}
	add(root, "rules", rules)
	marshalJail(root, p.Jail)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, fmt.Errorf("policy %q: marshal: %w", p.Name, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("policy %q: marshal: %w", p.Name, err)
	}
	return buf.Bytes(), nil
}

func strNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

func intNode(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: s} }
