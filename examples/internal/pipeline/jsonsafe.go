package pipeline

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
)

// jsonSafe returns a copy of v in generic form (maps, slices, scalars) in
// which every NaN or infinite float is nil, so that it encodes as JSON null
// instead of failing: a reading outside a thermometer's range, or a monitor
// that was not computed, stays visible as null. Struct fields follow their
// json tags ("-", renaming, omitempty); values with a MarshalJSON method are
// encoded by it.
func jsonSafe(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	if v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface && v.CanInterface() {
		if m, ok := v.Interface().(json.Marshaler); ok {
			b, err := m.MarshalJSON()
			if err == nil {
				return json.RawMessage(b)
			}
		}
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		return f
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return jsonSafe(v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		fallthrough
	case reflect.Array:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = jsonSafe(v.Index(i))
		}
		return out
	case reflect.Map:
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			out[toString(it.Key())] = jsonSafe(it.Value())
		}
		return out
	case reflect.Struct:
		out := make(map[string]any)
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" && opts == "" {
				continue
			}
			fv := v.Field(i)
			// An untagged embedded struct's fields are promoted, as
			// encoding/json does.
			if f.Anonymous && name == "" && fv.Kind() == reflect.Struct {
				if inner, ok := jsonSafe(fv).(map[string]any); ok {
					for k, x := range inner {
						if _, taken := out[k]; !taken {
							out[k] = x
						}
					}
				}
				continue
			}
			if name == "" {
				name = f.Name
			}
			if strings.Contains(opts, "omitempty") && fv.IsZero() {
				continue
			}
			if (fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map) && strings.Contains(opts, "omitempty") && fv.Len() == 0 {
				continue
			}
			out[name] = jsonSafe(fv)
		}
		return out
	case reflect.Func, reflect.Chan:
		return nil
	default:
		return v.Interface()
	}
}

func toString(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	b, _ := json.Marshal(k.Interface())
	return strings.Trim(string(b), `"`)
}
