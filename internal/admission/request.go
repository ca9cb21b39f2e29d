package admission

// Container kinds: where in the pod spec an image was found.
const (
	KindContainer          = "container"
	KindInitContainer      = "initContainer"
	KindEphemeralContainer = "ephemeralContainer"
)

// Container is one container of the workload under review.
type Container struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Image string `json:"image"`
}

// Request is what an AdmissionReview asks, reduced to what the rules need.
type Request struct {
	UID string `json:"uid"`
	// Kind is the object's kind ("Pod", "Deployment", ...); Group its API
	// group ("" for core).
	Kind      string `json:"kind"`
	Group     string `json:"group,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	// Name is the object's name, or its generateName prefix.
	Name      string `json:"name,omitempty"`
	Operation string `json:"operation"`
	User      string `json:"user,omitempty"`
	DryRun    bool   `json:"dry_run,omitempty"`
	// Labels are the labels the pods will carry: the pod template's over
	// the object's own.
	Labels     map[string]string `json:"labels,omitempty"`
	Containers []Container       `json:"containers"`
	// Supported is false for kinds that carry no pod spec, for operations
	// (DELETE, CONNECT) that start nothing, and for updates that change no
	// image: such requests are allowed without evaluation. On UPDATE,
	// Containers lists only the containers whose image changed.
	Supported bool `json:"supported"`
}
