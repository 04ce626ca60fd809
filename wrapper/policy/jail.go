package policy

import (
	"fmt"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// Jail is what a policy asks of the Landlock jail the wrapper puts around the program, on top
// of the seccomp filter. In YAML:
//
//	filesystem:
//	  read: [/srv/data]          # extra read+execute paths
//	  write: [/srv/out]          # extra read-write paths
//	jail:
//	  tcp: deny                  # "open" (default) or "deny": no TCP bind or connect
//	  require: true              # fail closed when the kernel lacks a needed part
type Jail struct {
	Read, Write []string
	DenyTCP     bool
	Require     bool
}

// IsZero reports whether the policy asks nothing beyond the standard jail.
func (j Jail) IsZero() bool {
	return len(j.Read) == 0 && len(j.Write) == 0 && !j.DenyTCP && !j.Require
}

func (j Jail) validate() error {
	for _, p := range append(append([]string{}, j.Read...), j.Write...) {
		if !filepath.IsAbs(p) {
			return fmt.Errorf("filesystem: %q is not an absolute path", p)
		}
	}
	return nil
}

func parseFilesystem(v *yaml.Node, j *Jail) error {
	if v.Kind != yaml.MappingNode {
		return errAt(v, "filesystem is a mapping: {read: [paths], write: [paths]}")
	}
	return eachKey(v, []string{"read", "write"}, func(key string, k, v *yaml.Node) error {
		dst := &j.Read
		if key == "write" {
			dst = &j.Write
		}
		if v.Kind != yaml.SequenceNode {
			return errAt(v, "filesystem.%s must be a list of absolute paths", key)
		}
		for _, n := range v.Content {
			var s string
			if err := str(n, &s); err != nil {
				return err
			}
			if !filepath.IsAbs(s) {
				return errAt(n, "filesystem.%s: %q is not an absolute path", key, s)
			}
			*dst = append(*dst, s)
		}
		return nil
	})
}

func parseJail(v *yaml.Node, j *Jail) error {
	if v.Kind != yaml.MappingNode {
		return errAt(v, "jail is a mapping: {tcp: open|deny, require: true|false}")
	}
	return eachKey(v, []string{"tcp", "require"}, func(key string, k, v *yaml.Node) error {
		var s string
		if err := str(v, &s); err != nil {
			return err
		}
		switch {
		case key == "tcp" && (s == "open" || s == "deny"):
			j.DenyTCP = s == "deny"
		case key == "require" && (s == "true" || s == "false"):
			j.Require = s == "true"
		default:
			return errAt(v, "jail.%s: unexpected %q (tcp: open|deny, require: true|false)", key, s)
		}
		return nil
	})
}

// marshalJail adds the filesystem and jail sections to a policy's YAML mapping.
func marshalJail(root *yaml.Node, j Jail) {
	add := func(m *yaml.Node, key string, v *yaml.Node) { m.Content = append(m.Content, strNode(key), v) }
	if len(j.Read) > 0 || len(j.Write) > 0 {
		fs := &yaml.Node{Kind: yaml.MappingNode}
		for _, kv := range []struct {
			k string
			v []string
		}{{"read", j.Read}, {"write", j.Write}} {
			if len(kv.v) == 0 {
				continue
			}
			l := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
			for _, p := range kv.v {
				l.Content = append(l.Content, strNode(p))
			}
			add(fs, kv.k, l)
		}
		add(root, "filesystem", fs)
	}
	if j.DenyTCP || j.Require {
		jn := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
		tcp := "open"
		if j.DenyTCP {
			tcp = "deny"
		}
		add(jn, "tcp", strNode(tcp))
		add(jn, "require", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(j.Require)})
		add(root, "jail", jn)
	}
}
