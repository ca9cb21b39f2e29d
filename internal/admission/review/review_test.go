package review

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/scanfleet/scanfleet/internal/admission"
)

func podSpec() corev1.PodSpec {
	return corev1.PodSpec{
		InitContainers: []corev1.Container{{Name: "init", Image: "busybox:1.36"}},
		Containers: []corev1.Container{
			{Name: "app", Image: "127.0.0.1:5000/team/app:1.2"},
			{Name: "sidecar", Image: "quay.io/proxy/envoy@sha256:" + strings.Repeat("e", 64)},
		},
	}
}

func template() corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}, Spec: podSpec()}
}

// review builds a real AdmissionReview the way the API server does:
// k8s.io/api types, the object serialised into request.object.
func review(t testing.TB, gvk metav1.GroupVersionKind, op admissionv1.Operation, obj runtime.Object) []byte {
	t.Helper()
	raw, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	ar := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: types.UID("uid-" + gvk.Kind), Kind: gvk, Namespace: "prod", Operation: op,
			UserInfo: authenticationv1.UserInfo{Username: "alice"},
			Object:   runtime.RawExtension{Raw: raw},
		},
	}
	b, err := json.Marshal(ar)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeReviewKinds(t *testing.T) {
	meta := metav1.ObjectMeta{Name: "web", Labels: map[string]string{"team": "a"}}
	wantImages := []string{"busybox:1.36", "127.0.0.1:5000/team/app:1.2", "quay.io/proxy/envoy@sha256:" + strings.Repeat("e", 64)}
	tests := []struct {
		gvk        metav1.GroupVersionKind
		obj        runtime.Object
		wantLabels map[string]string
	}{
		{metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, &corev1.Pod{ObjectMeta: meta, Spec: podSpec()}, map[string]string{"team": "a"}},
		{metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{Template: template()}}, map[string]string{"team": "a", "app": "web"}},
		{metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "StatefulSet"}, &appsv1.StatefulSet{ObjectMeta: meta, Spec: appsv1.StatefulSetSpec{Template: template()}}, map[string]string{"team": "a", "app": "web"}},
		{metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "DaemonSet"}, &appsv1.DaemonSet{ObjectMeta: meta, Spec: appsv1.DaemonSetSpec{Template: template()}}, map[string]string{"team": "a", "app": "web"}},
		{metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "ReplicaSet"}, &appsv1.ReplicaSet{ObjectMeta: meta, Spec: appsv1.ReplicaSetSpec{Template: template()}}, map[string]string{"team": "a", "app": "web"}},
		{metav1.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Job"}, &batchv1.Job{ObjectMeta: meta, Spec: batchv1.JobSpec{Template: template()}}, map[string]string{"team": "a", "app": "web"}},
		{metav1.GroupVersionKind{Group: "batch", Version: "v1", Kind: "CronJob"}, &batchv1.CronJob{ObjectMeta: meta, Spec: batchv1.CronJobSpec{Schedule: "* * * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: template()}}}}, map[string]string{"team": "a", "app": "web"}},
		{metav1.GroupVersionKind{Version: "v1", Kind: "ReplicationController"}, &corev1.ReplicationController{ObjectMeta: meta, Spec: corev1.ReplicationControllerSpec{Template: ptr(template())}}, map[string]string{"team": "a", "app": "web"}},
	}
	for _, tt := range tests {
		t.Run(tt.gvk.Kind, func(t *testing.T) {
			req, err := DecodeReview(review(t, tt.gvk, admissionv1.Create, tt.obj))
			if err != nil {
				t.Fatal(err)
			}
			if !req.Supported || req.Kind != tt.gvk.Kind || req.UID != "uid-"+tt.gvk.Kind || req.Namespace != "prod" || req.Name != "web" || req.User != "alice" || req.Operation != "CREATE" {
				t.Fatalf("request %+v", req)
			}
			var images, kinds []string
			for _, c := range req.Containers {
				images = append(images, c.Image)
				kinds = append(kinds, c.Kind)
			}
			if !slices.Equal(images, wantImages) {
				t.Errorf("images %q, want %q", images, wantImages)
			}
			if want := []string{admission.KindInitContainer, admission.KindContainer, admission.KindContainer}; !slices.Equal(kinds, want) {
				t.Errorf("kinds %q, want %q", kinds, want)
			}
			if len(req.Labels) != len(tt.wantLabels) {
				t.Errorf("labels %v, want %v", req.Labels, tt.wantLabels)
			}
			for k, v := range tt.wantLabels {
				if req.Labels[k] != v {
					t.Errorf("labels %v, want %v", req.Labels, tt.wantLabels)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestDecodeReviewEphemeralAndGenerateName(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{GenerateName: "job-"}, Spec: corev1.PodSpec{
		Containers:          []corev1.Container{{Name: "a", Image: "alpine:3.20"}},
		EphemeralContainers: []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug", Image: "busybox"}}},
	}}
	req, err := DecodeReview(review(t, metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, admissionv1.Create, pod))
	if err != nil {
		t.Fatal(err)
	}
	if req.Name != "job-" || len(req.Containers) != 2 || req.Containers[1] != (admission.Container{Name: "debug", Kind: admission.KindEphemeralContainer, Image: "busybox"}) {
		t.Fatalf("%+v", req)
	}
}

// An update is judged on the images it brings: an unchanged pod spec
// (scaling, relabelling, finalizers) is not judged at all.
func TestDecodeReviewUpdateJudgesChangedImages(t *testing.T) {
	gvk := metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
	oldDep := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: appsv1.DeploymentSpec{Template: template()}}
	newDep := oldDep.DeepCopy()
	newDep.Spec.Replicas = ptr(int32(5))
	withOld := func(obj, old runtime.Object) []byte {
		var ar admissionv1.AdmissionReview
		if err := json.Unmarshal(review(t, gvk, admissionv1.Update, obj), &ar); err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(old)
		ar.Request.OldObject = runtime.RawExtension{Raw: raw}
		b, _ := json.Marshal(ar)
		return b
	}
	req, err := DecodeReview(withOld(newDep, oldDep))
	if err != nil || req.Supported || len(req.Containers) != 0 {
		t.Fatalf("scaling: %+v, %v", req, err)
	}
	newDep.Spec.Template.Spec.Containers[0].Image = "127.0.0.1:5000/team/app:1.3"
	req, err = DecodeReview(withOld(newDep, oldDep))
	if err != nil || !req.Supported || len(req.Containers) != 1 || req.Containers[0].Image != "127.0.0.1:5000/team/app:1.3" {
		t.Fatalf("new image: %+v, %v", req, err)
	}
	// Without an old object every container is judged.
	req, err = DecodeReview(review(t, gvk, admissionv1.Update, newDep))
	if err != nil || len(req.Containers) != 3 {
		t.Fatalf("no old object: %+v, %v", req, err)
	}
}

func TestDecodeReviewUnsupported(t *testing.T) {
	// A ConfigMap has no pod spec; a DELETE starts nothing.
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c"}}
	req, err := DecodeReview(review(t, metav1.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, admissionv1.Create, cm))
	if err != nil || req.Supported || len(req.Containers) != 0 {
		t.Fatalf("configmap: %+v, %v", req, err)
	}
	ar := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request:  &admissionv1.AdmissionRequest{UID: "d", Kind: metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, Operation: admissionv1.Delete},
	}
	b, _ := json.Marshal(ar)
	req, err = DecodeReview(b)
	if err != nil || req.Supported || req.UID != "d" {
		t.Fatalf("delete: %+v, %v", req, err)
	}
}

func TestDecodeReviewErrors(t *testing.T) {
	pod := review(t, metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, admissionv1.Create, &corev1.Pod{})
	tests := []struct {
		name, body, want string
	}{
		{"not json", "{", "decoding admission review"},
		{"v1beta1", strings.Replace(string(pod), "admission.k8s.io/v1", "admission.k8s.io/v1beta1", 1), "want admission.k8s.io/v1"},
		{"no request", `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`, "no request"},
		{"no uid", strings.Replace(string(pod), `"uid":"uid-Pod"`, `"uid":""`, 1), "no uid"},
		{"no object", `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},"operation":"CREATE","userInfo":{}}}`, "has no object"},
		{"object of the wrong shape", `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":"apps","version":"v1","kind":"Deployment"},"resource":{"group":"","version":"v1","resource":"pods"},"operation":"CREATE","userInfo":{},"object":{"spec":{"template":{"spec":{"containers":"nope"}}}}}}`, "Deployment"},
		{"too big", strings.Repeat(" ", maxReview+1), "over the"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeReview([]byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestResponse(t *testing.T) {
	b, err := Response("u-1", false, "image x denied", []string{"w"})
	if err != nil {
		t.Fatal(err)
	}
	var ar admissionv1.AdmissionReview
	if err := json.Unmarshal(b, &ar); err != nil {
		t.Fatal(err)
	}
	if ar.APIVersion != ReviewAPIVersion || ar.Kind != ReviewKind || ar.Response == nil || ar.Response.UID != "u-1" || ar.Response.Allowed ||
		ar.Response.Result == nil || ar.Response.Result.Code != 403 || ar.Response.Result.Message != "image x denied" || !slices.Equal(ar.Response.Warnings, []string{"w"}) {
		t.Fatalf("%s", b)
	}
	b, _ = Response("u-2", true, "", nil)
	ar = admissionv1.AdmissionReview{}
	if err := json.Unmarshal(b, &ar); err != nil || !ar.Response.Allowed || ar.Response.Result != nil {
		t.Fatalf("%s %v", b, err)
	}
}

// FuzzDecodeReview: no input may panic or hang the decoder, and what it
// accepts must be usable: a UID, and images that either parse or are
// evaluated as unparseable without a panic.
func FuzzDecodeReview(f *testing.F) {
	f.Add(review(f, metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, admissionv1.Create, &corev1.Pod{Spec: podSpec()}))
	f.Add(review(f, metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, admissionv1.Update, &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Template: template()}}))
	f.Add(review(f, metav1.GroupVersionKind{Group: "batch", Version: "v1", Kind: "CronJob"}, admissionv1.Create, &batchv1.CronJob{}))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Pod"},"operation":"CREATE","object":null}}`))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":"batch","kind":"Job"},"operation":"CREATE","object":{"spec":{"template":{"spec":{"containers":[{"image":"` + strings.Repeat("a", 300) + `"}]}}}}}}`))
	p := admission.Policy{Settings: admission.Settings{Mode: admission.Protect, NoResult: admission.Deny}, Rules: []admission.Rule{{Name: "r", Action: admission.Deny, Criteria: admission.Criteria{Registries: []string{"docker.io"}}}}}
	if err := p.Validate(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := DecodeReview(b)
		if err != nil {
			return
		}
		if req.UID == "" {
			t.Fatal("accepted a review without uid")
		}
		for _, c := range req.Containers {
			ref, err := admission.ParseRef(c.Image)
			s := admission.Subject{Image: c.Image, Namespace: req.Namespace, Labels: req.Labels}
			if err == nil {
				s.Ref = ref
				if _, err := admission.ParseRef(ref.String()); err != nil {
					t.Fatalf("normalised %q of %q does not parse: %v", ref.String(), c.Image, err)
				}
			}
			if v := p.Evaluate(time.Now(), s); v.Action != admission.Deny {
				t.Fatalf("unscanned image allowed under no_result deny: %+v", v)
			}
		}
		if _, err := Response(req.UID, false, "m", nil); err != nil {
			t.Fatal(err)
		}
	})
}
