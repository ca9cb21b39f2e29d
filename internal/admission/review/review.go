// Package review decodes Kubernetes AdmissionReview requests into
// admission.Request values and encodes the responses, with the Kubernetes
// API types (k8s.io/api). It is kept apart from package admission so that
// binaries without the Kubernetes integration (the scanner CLI) do not
// link those libraries: they cost every process about 8 MB of resident
// memory (docs/benchmarks.md).
package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/scanfleet/scanfleet/internal/admission"
)

// ReviewAPIVersion and ReviewKind identify the AdmissionReview version
// served: admission.k8s.io/v1, the only one current Kubernetes sends.
const (
	ReviewAPIVersion = "admission.k8s.io/v1"
	ReviewKind       = "AdmissionReview"
)

// maxReview bounds what DecodeReview accepts; the API server's own object
// limit is about 3 MiB, and a review may carry the object twice.
const maxReview = 8 << 20

// DecodeReview decodes an AdmissionReview request. Errors mean the body is
// not a v1 AdmissionReview with a request, or its object does not decode
// as the kind it claims.
func DecodeReview(b []byte) (*admission.Request, error) {
	if len(b) > maxReview {
		return nil, fmt.Errorf("admission review is %d bytes, over the %d limit", len(b), maxReview)
	}
	var ar admissionv1.AdmissionReview
	if err := json.Unmarshal(b, &ar); err != nil {
		return nil, fmt.Errorf("decoding admission review: %w", err)
	}
	if ar.APIVersion != ReviewAPIVersion || ar.Kind != ReviewKind {
		return nil, fmt.Errorf("decoding admission review: want %s %s, got %q %q", ReviewAPIVersion, ReviewKind, ar.APIVersion, ar.Kind)
	}
	in := ar.Request
	if in == nil {
		return nil, errors.New("decoding admission review: no request")
	}
	if in.UID == "" {
		return nil, errors.New("decoding admission review: request has no uid")
	}
	req := &admission.Request{
		UID: string(in.UID), Kind: in.Kind.Kind, Group: in.Kind.Group, Namespace: in.Namespace, Name: in.Name,
		Operation: string(in.Operation), User: in.UserInfo.Username, DryRun: in.DryRun != nil && *in.DryRun,
		Containers: []admission.Container{},
	}
	if in.Operation != admissionv1.Create && in.Operation != admissionv1.Update {
		return req, nil
	}
	raw := bytes.TrimSpace(in.Object.Raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, fmt.Errorf("admission review %s: %s of %s has no object", req.UID, req.Operation, req.Kind)
	}
	meta, spec, tmpl, err := decodeObject(in.Kind, raw)
	if err != nil {
		return nil, fmt.Errorf("admission review %s: %s: %w", req.UID, req.Kind, err)
	}
	if spec == nil {
		return req, nil
	}
	req.Supported = true
	if req.Name == "" {
		req.Name = meta.Name
		if req.Name == "" {
			req.Name = meta.GenerateName
		}
	}
	if req.Namespace == "" {
		req.Namespace = meta.Namespace
	}
	if len(meta.Labels) > 0 || len(tmpl) > 0 {
		req.Labels = map[string]string{}
		maps.Copy(req.Labels, meta.Labels)
		maps.Copy(req.Labels, tmpl)
	}
	for _, c := range spec.InitContainers {
		req.Containers = append(req.Containers, admission.Container{Name: c.Name, Kind: admission.KindInitContainer, Image: c.Image})
	}
	for _, c := range spec.Containers {
		req.Containers = append(req.Containers, admission.Container{Name: c.Name, Kind: admission.KindContainer, Image: c.Image})
	}
	for _, c := range spec.EphemeralContainers {
		req.Containers = append(req.Containers, admission.Container{Name: c.Name, Kind: admission.KindEphemeralContainer, Image: c.Image})
	}
	if in.Operation == admissionv1.Update {
		req.Containers = changedContainers(in.Kind, in.OldObject.Raw, req.Containers)
		// An update that brings no new image (scaling, relabelling,
		// removing a finalizer) starts nothing new: refusing it would
		// only keep running workloads from being managed or deleted.
		req.Supported = len(req.Containers) > 0
	}
	return req, nil
}

// changedContainers drops the containers whose image the old object
// already ran under the same name; an old object that does not decode
// leaves every container to be judged.
func changedContainers(gvk metav1.GroupVersionKind, oldRaw []byte, cs []admission.Container) []admission.Container {
	oldRaw = bytes.TrimSpace(oldRaw)
	if len(oldRaw) == 0 {
		return cs
	}
	_, spec, _, err := decodeObject(gvk, oldRaw)
	if err != nil || spec == nil {
		return cs
	}
	old := map[admission.Container]bool{}
	for _, c := range spec.InitContainers {
		old[admission.Container{Name: c.Name, Kind: admission.KindInitContainer, Image: c.Image}] = true
	}
	for _, c := range spec.Containers {
		old[admission.Container{Name: c.Name, Kind: admission.KindContainer, Image: c.Image}] = true
	}
	for _, c := range spec.EphemeralContainers {
		old[admission.Container{Name: c.Name, Kind: admission.KindEphemeralContainer, Image: c.Image}] = true
	}
	out := []admission.Container{}
	for _, c := range cs {
		if !old[c] {
			out = append(out, c)
		}
	}
	return out
}

// decodeObject decodes the kinds that carry a pod spec and returns the
// object's metadata, the pod spec (nil for other kinds) and the labels of
// its pod template.
func decodeObject(gvk metav1.GroupVersionKind, raw []byte) (metav1.ObjectMeta, *corev1.PodSpec, map[string]string, error) {
	var none metav1.ObjectMeta
	// Each decode target is the kind's own type, so fields are read
	// exactly as the API server wrote them.
	switch gvk.Group + "/" + gvk.Kind {
	case "/Pod":
		var o corev1.Pod
		if err := json.Unmarshal(raw, &o); err != nil {
			return none, nil, nil, err
		}
		return o.ObjectMeta, &o.Spec, nil, nil
	case "/ReplicationController":
		var o corev1.ReplicationController
		if err := json.Unmarshal(raw, &o); err != nil {
			return none, nil, nil, err
		}
		if o.Spec.Template == nil {
			return o.ObjectMeta, &corev1.PodSpec{}, nil, nil
		}
		return o.ObjectMeta, &o.Spec.Template.Spec, o.Spec.Template.Labels, nil
	case "apps/Deployment":
		var o appsv1.Deployment
		if err := json.Unmarshal(raw, &o); err != nil {
			return none, nil, nil, err
		}
		return o.ObjectMeta, &o.Spec.Template.Spec, o.Spec.Template.Labels, nil
	case "apps/StatefulSet":
		var o appsv1.StatefulSet
		if err := json.Unmarshal(raw, &o); err != nil {
			return none, nil, nil, err
		}
		return o.ObjectMeta, &o.Spec.Template.Spec, o.Spec.Template.Labels, nil
	case "apps/DaemonSet":
		var o appsv1.DaemonSet
		if err := json.Unmarshal(raw, &o); err != nil {
			return none, nil, nil, err
		}
		return o.ObjectMeta, &o.Spec.Template.Spec, o.Spec.Template.Labels, nil
	case "apps/ReplicaSet":
		var o appsv1.ReplicaSet
		if err := json.Unmarshal(raw, &o); err != nil {
			return none, nil, nil, err
		}
		return o.ObjectMeta, &o.Spec.Template.Spec, o.Spec.Template.Labels, nil
	case "batch/Job":
		var o batchv1.Job
		if err := json.Unmarshal(raw, &o); err != nil {
			return none, nil, nil, err
		}
		return o.ObjectMeta, &o.Spec.Template.Spec, o.Spec.Template.Labels, nil
	case "batch/CronJob":
		var o batchv1.CronJob
		if err := json.Unmarshal(raw, &o); err != nil {
			return none, nil, nil, err
		}
		t := o.Spec.JobTemplate.Spec.Template
		return o.ObjectMeta, &t.Spec, t.Labels, nil
	}
	return none, nil, nil, nil
}

// Response is the AdmissionReview answering uid. A refusal carries HTTP
// 403 and message in its status, which kubectl prints; warnings are shown
// to the client either way (monitor mode uses them to say what protect
// would refuse).
func Response(uid string, allowed bool, message string, warnings []string) ([]byte, error) {
	resp := &admissionv1.AdmissionResponse{UID: types.UID(uid), Allowed: allowed, Warnings: warnings}
	if !allowed {
		resp.Result = &metav1.Status{Status: metav1.StatusFailure, Code: 403, Reason: metav1.StatusReasonForbidden, Message: message}
	}
	ar := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: ReviewAPIVersion, Kind: ReviewKind},
		Response: resp,
	}
	b, err := json.Marshal(ar)
	if err != nil {
		return nil, fmt.Errorf("encoding admission response: %w", err)
	}
	return b, nil
}

// Codec is DecodeReview and Response as a controller.ReviewCodec.
type Codec struct{}

// DecodeReview implements controller.ReviewCodec.
func (Codec) DecodeReview(body []byte) (*admission.Request, error) { return DecodeReview(body) }

// Response implements controller.ReviewCodec.
func (Codec) Response(uid string, allowed bool, message string, warnings []string) ([]byte, error) {
	return Response(uid, allowed, message, warnings)
}
