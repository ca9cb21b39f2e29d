var S,tt,Jt,q,Se,_e,st,fe,at,Le,Ce,Zt,te=Symbol.for("pv"),ge={},$e=[],Qt=/^m(i|n|o|s|text|space)$/,Ee=Array.isArray,Ne=$e.slice,J=Object.assign;function Y(e){e&&e.parentNode&&e.remove()}function nt(e,t,s){var a,r,n,o={},l=arguments.length;for(n in t)n=="key"?a=t[n]:n=="ref"&&typeof e!="function"?r=t[n]:o[n]=t[n];return l>2&&(o.children=l>3?Ne.call(arguments,2):s),ee(e,o,a,r,null)}function ee(e,t,s,a,r){var n={type:e,props:t,key:s,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:te,__v:r||++tt,__i:-1,__u:0};return!r&&S.vnode&&S.vnode(n),n}function ve(e){return e.children}function me(e,t){this.props=e,this.context=t,this.__g=0}function W(e,t){if(t==null)return e.__&&W(e.__,e.__i+1);for(var s;t<e.__k.length;t++)if((s=e.__k[t])&&s.__e)return s.__e;return typeof e.type!="function"||e.props.__P?null:W(e)}function Xt(e){var t,s=e.__v,a=s.__e,r=[],n=[],o=e.__P;o&&((t=J({constructor:te},s)).__v=s.__v+1,S.vnode&&S.vnode(t),Te(o,t,s,e.__n,o.namespaceURI,32&s.__u?[a]:null,r,a||W(s),32&s.__u,n),t.__v=s.__v,t.__.__k[t.__i]=t,dt(r,t,n),s.__=s.__e=null,t.__e!=a&&ot(t))}function ot(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),ot(e)}function Xe(e){(8&e.__g||(e.__g|=8,q.push(e),_e++))&&Se==S.debounceRendering||((Se=S.debounceRendering)||queueMicrotask)(rt)}function rt(){try{for(var e,t=1;q.length;)q.length>t&&q.sort(st),e=q.shift(),t=q.length,8&e.__g&&Xt(e)}finally{(_e=q.length)&&(Se||queueMicrotask)(rt)}}function it(e,t,s,a,r,n,o,l,d,h,u){var p,f,c,_,$,b,g=a.__k||$e,v=t.length;for(d=es(s,t,g,d,v),p=0;p<v;p++)(c=s.__k[p])!=null&&(f=~c.__i&&g[c.__i]||ge,c.__i=p,b=Te(e,c,f,r,n,o,l,d,h,u),_=c.__e,(f.ref!=c.ref||8&f.__u)&&(f.ref&&Ie(f.ref,null,c,f),c.ref&&u.push(c.ref,c.__c||_,c)),$=$||_,4&c.__u?(d=lt(c,d,e,!f.__v),f.__e&&(f.__e=null)):typeof c.type=="function"&&b!==void 0?d=b:_&&(d=_.nextSibling),c.__u&=-21);return s.__e=$,d}function es(e,t,s,a,r){var n,o,l,d,h,u,p,f,c,_=s.length,$=_,b=0,g=0,v=e.__k=Array(r);for(n=0;n<r;n++)(o=t[n])!=null&&typeof o!="boolean"&&typeof o!="function"?(typeof o!="object"||o.constructor===String?o=v[n]=ee(null,o):Ee(o)?o=v[n]=ee(ve,{children:o}):o.constructor===te&&o.__b?o=v[n]=ee(o.type,o.props,o.key,o.ref,o.__v):v[n]=o,d=n+b,o.__=e,o.__b=e.__b+1,l=null,~(h=o.__i=ts(o,s,d,$))&&($--,(l=s[h])&&(l.__u|=2)),l&&l.__v?(o.__u|=16,h==d-1?b--:h==d+1?b++:h!=d&&(h>d?b--:b++,g=1)):(~h||(r>_?b--:r<_&&b++),typeof o.type!="function"&&(o.__u|=4))):v[n]=null;if(g){for(u=[],p=[],n=0;n<r;n++)if((o=v[n])&&16&o.__u){for(b=0,f=u.length;b<f;)u[c=b+f>>1]<o.__i?b=c+1:f=c;u[b]=o.__i,p[n]=b+1}for(b=u.length;n--;)p[n]&&(p[n]==b?b--:v[n].__u|=4)}if($)for(n=0;n<_;n++)!(l=s[n])||2&l.__u||(l.__e==a&&(a=W(l)),Pe(l,l));return a}function lt(e,t,s,a){var r,n,o,l;if(typeof e.type=="function"){if(e.props.__P)return t;if(r=e.__k)for(n=0;n<r.length;n++)r[n]&&(r[n].__=e,t=lt(r[n],t,s,!1));return t}for(t&&!t.parentNode&&(t=W(e))&&!t.parentNode&&(t=null),o=e.__e,l=t;l&&l.nodeType==8;)l=l.nextSibling;for(o!=l&&(!a&&s.moveBefore&&o.parentNode?s.moveBefore(o,t):s.insertBefore(o,t||null)),t=o;(t=t&&t.nextSibling)&&t.nodeType==8&&!t.data.startsWith("$s"););return t}function ts(e,t,s,a){var r,n=e.key,o=e.type,l=t[s],d=l&&!(2&l.__u);if(l===null&&n==null||d&&n==l.key&&o==l.type)return s;if(a>(d?1:0)){for(r=s-1;r>=0;r--)if((l=t[r])&&!(2&l.__u)&&n==l.key&&o==l.type)return r;for(r=s+1;r<t.length;r++)if((l=t[r])&&!(2&l.__u)&&n==l.key&&o==l.type)return r}return-1}function et(e,t,s){s==null&&(s=""),t[0]=="-"?e.setProperty(t,s):e[t]=s}function pe(e,t,s,a,r){var n,o;if(t=="style")if(typeof s=="string")e.style.cssText=s;else{if(typeof a=="string"&&(e.style.cssText=a=""),a)for(t in a)s&&t in s||et(e.style,t);if(s)for(t in s)a&&s[t]==a[t]||et(e.style,t,s[t])}else if(t[0]=="o"&&t[1]=="n")typeof s!="function"&&(s=null),typeof a!="function"&&(a=null),(e.__e||(e.__e={}))[t]=s,s&&a||(o=Ce[t]||(Ce[t]=ss(t)),(e.__a||(e.__a={}))[t]=Le,n=t!=(t=t.replace(at,"$1")),(t=t.slice(2))[0]<"a"&&(t=t.toLowerCase()),s?e.addEventListener(t,o,n):e.removeEventListener(t,o,n));else{if(r=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{return void(e[t]=s??"")}catch{}if(typeof s=="function")return;s==null||s===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&s==1?"":s)}}function ss(e){return function(t){var s=this.__e;if(s){if(s=s[e],t[fe]==null)t[fe]=Le++;else if(t[fe]<this.__a[e])return;return s(S.event?S.event(t):t)}}}function Te(e,t,s,a,r,n,o,l,d,h){var u,p,f,c,_,$,b,g,v,m,y,w,A,ue,K,Qe,H,z,j=t.type;if(t.constructor!==te)return null;128&s.__u&&(d=32&s.__u,u=s.__c.__z)&&(t.__u|=d,p=n=[],u.nodeType==8?l=he(u,n):n.push(u),l=n[0]||l),(u=S.__b)&&u(t);e:if(typeof j=="function"){f=o.length;try{if(g=t.props,v=(u=j.prototype)&&u.render,m=(u=j.contextType)&&a[u.__c],y=u?m?m.props.value:u.__:a,(c=s.__c)?(t.__c=c,2&c.__g&&(c.__g|=1)):(v?t.__c=c=new j(g,y):(t.__c=c=new me(g,y),c.constructor=j,c.render=ns),m&&m.sub(c),c.state||(c.state={}),c.__n=a,c.__g|=8,c.__h=[],c.__k=[]),v&&(c.__s||(c.__s=c.state),j.getDerivedStateFromProps&&(c.__s==c.state&&(c.__s=J({},c.__s)),J(c.__s,j.getDerivedStateFromProps(g,c.__s)))),_=c.props,$=c.state,c.__v=t,s.__c){if(g!==_&&v&&!j.getDerivedStateFromProps&&c.componentWillReceiveProps&&c.componentWillReceiveProps(g,y),t.__v==s.__v&&!(8&c.__g)||!(4&c.__g)&&c.shouldComponentUpdate&&c.shouldComponentUpdate(g,c.__s,y)===!1){t.__v!=s.__v&&(c.props=g,c.state=c.__s,c.__g&=-9),t.__e=s.__e,t.__k=s.__k,t.__k.some(function(O){O&&(O.__=t)}),$e.push.apply(c.__h,c.__k),c.__k=[],c.__h.length&&o.push(c),l=W(s);break e}c.componentWillUpdate&&c.componentWillUpdate(g,c.__s,y),v&&c.componentDidUpdate&&c.__h.push(function(){c.componentDidUpdate(_,$,b)})}else v&&!j.getDerivedStateFromProps&&c.componentWillMount&&c.componentWillMount(),v&&c.componentDidMount&&c.__h.push(c.componentDidMount);c.context=y,c.props=g,c.__P=e,c.__g&=-5,w=S.__r,A=v?25:0;do c.__g&=-9,w&&w(t),u=c.render(c.props,c.state=c.__s,c.context);while(8&c.__g&&++A<25);v&&($e.push.apply(c.__h,c.__k),c.__k=[]),c.state=c.__s,c.getChildContext&&(a=J({},a,c.getChildContext())),v&&s.__c&&c.getSnapshotBeforeUpdate&&(b=c.getSnapshotBeforeUpdate(_,$)),ue=u&&u.type===ve&&u.key==null?u.props.children:u,g.__P&&(u=l,r=(e=g.__P).namespaceURI,d=n=null,s.props&&s.props.__P!=e&&(s.__k.some(function(O){O&&Pe(O,O)}),s.__k=null),l=s.__k?W(s,0):null),l=it(e,Ee(ue)?ue:[ue],t,s,a,r,n,o,l,d,h),g.__P&&(t.__e=null,l=u),t.__u&=-161,p&&p.some(Y),c.__h.length&&o.push(c),1&c.__g&&(c.__g&=-4)}catch(O){if(o.length=f,t.__v=null,d||n)if(O&&O.then){if(t.__u|=128|d,n){for(~(H=n.indexOf(l||void 0))||(H=n.length);(z=n[H-1])&&z.nodeType==8;)H--;for(;H<n.length;H++)if(z=n[H])if(n[H]=null,K){if(z==Qe)break}else{if(z.nodeType!=8)break;z.data.startsWith("$s")&&(Qe=he(K=z))}}if(!K){for(;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;K=l}(u=he(K=t.__c.__z||(t.__c.__z=K)))?(t.__e=K,l=u):t.__e=l,l=l&&l.nextSibling}else n&&n.some(Y);else t.__e=s.__e;t.__k||(t.__k=s.__k||[]),O&&O.then||ct(t),S.__e(O,t,s)}}else l=t.__e=as(s.__e,t,s,a,r,n,o,d,h,e);return(u=S.diffed)&&u(t),l}function he(e,t){if(e&&e.nodeType==8&&e.data.startsWith("$s"))for(var s=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith("$s"))s++;else if(e.data.startsWith("/$s")&&!--s)return e}t&&t.push(e)}}function ct(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(ct))}function dt(e,t,s){for(var a=0;a<s.length;)Ie(s[a++],s[a++],s[a++]);S.__c&&S.__c(t,e),e.some(function(r){try{e=r.__h,r.__h=[],e.some(function(n){n.call(r)})}catch(n){S.__e(n,r.__v)}})}function as(e,t,s,a,r,n,o,l,d,h){var u,p,f,c,_,$,b,g,v=s.props||ge,m=t.props,y=t.type;if(y=="svg"?r="http://www.w3.org/2000/svg":y=="math"?r="http://www.w3.org/1998/Math/MathML":r||(r="http://www.w3.org/1999/xhtml"),n){for(u=0;u<n.length;u++)if((_=n[u])&&(y?_.localName==y:_.nodeType==3)){e=_,n[u]=null;break}}if(!e){if(g=h.ownerDocument||document,!y)return g.createTextNode(m);e=g.createElementNS(r,y,m.is?m:h),l&&(S.__m&&S.__m(t,n),l=!1),n=null}if(y){if(h=y=="template"&&e.content||e,n=y=="textarea"&&m.defaultValue!=null?null:n&&Ne.call(h.childNodes),!l&&n)for(v={},u=0;u<e.attributes.length;u++)v[(_=e.attributes[u]).name]=_.value;for(u in v)_=v[u],u=="dangerouslySetInnerHTML"?f=_:u=="children"||u in m||u=="value"&&"defaultValue"in m||u=="checked"&&"defaultChecked"in m||pe(e,u,null,_,r);for(u in m)_=m[u],u=="children"?c=_:u=="dangerouslySetInnerHTML"?p=_:u=="value"?$=_:u=="checked"?b=_:l&&typeof _!="function"||v[u]===_||pe(e,u,_,v[u],r);p?(l||f&&(p.__html==f.__html||p.__html==e.innerHTML)||(e.innerHTML=p.__html),t.__k=[]):(f&&(e.textContent=""),(y=="foreignObject"||r=="http://www.w3.org/1998/Math/MathML"&&Qt.test(y))&&(r="http://www.w3.org/1999/xhtml"),it(h,Ee(c)?c:[c],t,s,a,r,n,o,n?n[0]:s.__k&&W(s,0),l,d),n&&n.some(Y)),l&&y!="textarea"||(u="value",y=="progress"&&$==null?e.removeAttribute(u):$==null||$===e[u]&&(y!="progress"||$)||pe(e,u,$,v[u],r),u="checked",b!=null&&b!=e[u]&&pe(e,u,b,v[u],r))}else v===m||l&&e.data==m||(e.data=m);return e}function Ie(e,t,s,a){try{typeof e=="function"?t?t.__x=e(t)||1:a&&(a=a.__c||a.__e)&&(t=a.__x)&&(a.__x=null,typeof t=="function"?t():e(null)):e.current=t}catch(r){S.__e(r,s)}}function Pe(e,t,s){var a,r,n,o;if(S.unmount&&S.unmount(e),!(a=e.ref)||a.current&&a.current!=e.__e||Ie(a,null,t,e),a=e.__c){if(a.componentWillUnmount)try{a.componentWillUnmount()}catch(l){S.__e(l,t)}a.__P=a.__n=null}if(a=e.__k)for(o=0;o<a.length;o++)a[o]&&Pe(a[o],t,typeof e.type!="function"||s&&!e.props.__P);!s&&(a=e.__c)&&(a=a.__z)&&(r=he(a,n=[]))&&(a==e.__e&&n.some(Y),Y(r),Y(a)),s||Y(e.__e),e.__e=e.__c=e.__=null}function ns(e,t,s){return this.constructor(e,s)}function ut(e,t){var s,a,r,n;S.__&&S.__(e,t),t.nodeType==9&&(t=t.documentElement),a=(s=e&&32&e.__u)?null:t.__k,t.__k=ee(ve,{children:[e]}),r=[],n=[],Te(t,t.__k,a||ge,ge,t.namespaceURI,a?null:t.firstChild?Ne.call(t.childNodes):null,r,a?a.__e:t.firstChild,s,n),dt(r,t.__k,n),t.__k.props.children=null}S={__e:function(e,t,s,a){for(var r,n,o;t=t.__;)if((r=t.__c)&&!(1&r.__g)){r.__g|=4;try{if((o=(n=r.constructor)&&n.getDerivedStateFromError)&&r.setState(n.getDerivedStateFromError(e)),r.componentDidCatch&&(r.componentDidCatch(e,a||{}),o=1),o&&8&r.__g)return void(r.__g|=2)}catch(l){e=l}}throw _e=0,e}},tt=0,Jt=function(e){return e!=null&&e.constructor===te},me.prototype.setState=function(e,t){var s=this.__s;s&&s!=this.state||(s=this.__s=J({},this.state)),typeof e=="function"&&(e=e(J({},s),this.props)),e&&(J(s,e),this.__v&&(t&&this.__k.push(t),Xe(this)))},me.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),Xe(this))},me.prototype.render=ve,q=[],_e=0,st=function(e,t){return e.__v.__b-t.__v.__b},fe=Symbol(),at=/(PointerCapture)$|Capture$/i,Le=0,Ce={},Zt=0;var ae,I,Ae,pt,Re=Object.is,ne=0,bt=[],De=[],N=S,ft=N.__b,mt=N.__r,ht=N.diffed,_t=N.__c,gt=N.unmount,$t=N.__;function Oe(e,t){N.__h&&N.__h(I,e,ne||t),ne=0;var s=I.__H||(I.__H={__:[],__h:[]});return e>=s.__.length&&s.__.push({}),s.__[e]}function k(e){return ne=1,os(xt,e)}function os(e,t,s){var a=Oe(ae++,2);if(a.t=e,!a.__c&&(a.__=[s?s(t):xt(void 0,t),function(n){var o=(a.__N||a.__)[0],l=a.t(o,n);Re(o,l)||(a.__N=[l,a.__[1]],a.__c.setState({}))}],a.__c=I,!I.__f)){I.__f=!0;var r=I.shouldComponentUpdate;I.shouldComponentUpdate=function(n,o,l){var d=this.__H;if(!d)return!0;var h=!1,u=this.props!=n;if(d.__.some(function(f){f.__N&&(h=!0,Re(f.__[0],f.__N[0])||(u=!0))}),r){var p=r.call(this,n,o,l);return h?p||u:p}return!h||u}}return a.__}function F(e,t){var s=Oe(ae++,3);!N.__s&&wt(s.__H,t)&&(s.__P=!0,s.__=e,s.u=t,I.__H.__h.push(s))}function Q(e){return ne=5,oe(function(){return{current:e}},[])}function oe(e,t){var s=Oe(ae++,7);return wt(s.__H,t)&&(s.__=e(),s.__H=t),s.__}function kt(e,t){return ne=8,oe(function(){return e},t)}function rs(){var e;do{for(;e=De.shift();)try{se(e)}catch(s){N.__e(s,{__:(e=e.__P)&&e.__v})}for(;e=bt.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(se),t.__h.some(Me),t.__h=[]}catch(s){t.__h=[],N.__e(s,e.__v)}}}while(De.length)}N.__b=function(e){I=null,ft&&ft(e)},N.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),$t&&$t(e,t)},N.__r=function(e){mt&&mt(e),ae=0;var t=(I=e.__c).__H;t&&(Ae==I?I.__h=[]:(t.__h.some(se),t.__h.some(Me),ae=0),t.__h=[],t.__.some(function(s){s.__N&&(s.__=s.__N),s.u=s.__N=void 0})),Ae=I},N.diffed=function(e){ht&&ht(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&yt(bt.push(t)),t.__H.__.some(function(s){s.u&&(s.__H=s.u)})),Ae=I=null},N.__c=function(e,t){t.some(function(s){try{s.__h.some(se),s.__h=s.__h.filter(function(a){return!a.__||Me(a)})}catch(a){s.__h=[function(){throw a}]}}),_t&&_t(e,t)},N.unmount=function(e){gt&&gt(e);var t,s,a=e.__c;a&&a.__H&&(a.__H.__.some(function(r){try{if(r.__P&&r.__c){if(s===void 0){for(s=e.__;s&&(!s.__c||!s.__c.__P);)s=s.__;s=s&&s.__c}r.__P=s,yt(De.push(r))}else se(r)}catch(n){t=n}}),a.__H=void 0,t&&N.__e(t,a.__v))};var vt=typeof requestAnimationFrame=="function";function is(e){var t,s=function(){clearTimeout(a),vt&&cancelAnimationFrame(t),setTimeout(e)},a=setTimeout(s,35);vt&&(t=requestAnimationFrame(s))}function yt(e){e!=1&&pt==N.requestAnimationFrame||((pt=N.requestAnimationFrame)||is)(rs)}function se(e){var t=I,s=e.__c;typeof s=="function"&&(e.__c=void 0,s()),I=t}function Me(e){var t=I;e.__c=e.__(),I=t}function wt(e,t){return!e||e.length!=t.length||t.some(function(s,a){return!Re(s,e[a])})}function xt(e,t){return typeof t=="function"?t(e):t}var Ue="scanfleet.token",Fe=sessionStorage.getItem(Ue)||"",je=new Set;function St(){return Fe}function ye(e){Fe=e,e?sessionStorage.setItem(Ue,e):sessionStorage.removeItem(Ue);for(let t of je)t(e)}function Ct(e){return je.add(e),()=>je.delete(e)}var X=class extends Error{constructor(t,s){super(s),this.status=t}};async function x(e,{method:t="GET",body:s,raw:a=!1,token:r}={}){let n={Authorization:"Bearer "+(r??Fe)};s!==void 0&&(n["Content-Type"]="application/json");let o=await fetch(e,{method:t,headers:n,body:s===void 0?void 0:JSON.stringify(s)});if(o.status===401)throw r===void 0&&ye(""),new X(401,"The token was refused; log in again.");if(!o.ok){let l=o.statusText;try{l=(await o.json()).error||l}catch{}throw new X(o.status,l)}return a?o:o.status===204?null:o.json()}async function Lt(e,t){let s=await x(e,{raw:!0}),a=s.headers.get("Content-Disposition")||"",r=/filename="([^"]+)"/.exec(a),n=await s.blob(),o=URL.createObjectURL(n),l=document.createElement("a");l.href=o,l.download=r?r[1]:t,document.body.appendChild(l),l.click(),l.remove(),setTimeout(()=>URL.revokeObjectURL(o),1e4)}function V(e){let t=new URLSearchParams;for(let[a,r]of Object.entries(e))r!=null&&r!==""&&r!==!1&&t.set(a,String(r));let s=t.toString();return s?"?"+s:""}var Nt=function(e,t,s,a){var r;t[0]=0;for(var n=1;n<t.length;n++){var o=t[n++],l=t[n]?(t[0]|=o?1:2,s[t[n++]]):t[++n];o===3?a[0]=l:o===4?a[1]=Object.assign(a[1]||{},l):o===5?(a[1]=a[1]||{})[t[++n]]=l:o===6?a[1][t[++n]]+=l+"":o?(r=e.apply(l,Nt(e,l,s,["",null])),a.push(r),l[0]?t[0]|=2:(t[n-2]=0,t[n]=r)):a.push(l)}return a},Et=new Map;function Tt(e){var t=Et.get(this);return t||(t=new Map,Et.set(this,t)),(t=Nt(this,t.get(e)||(t.set(e,t=(function(s){for(var a,r,n=1,o="",l="",d=[0],h=function(f){n===1&&(f||(o=o.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?d.push(0,f,o):n===3&&(f||o)?(d.push(3,f,o),n=2):n===2&&o==="..."&&f?d.push(4,f,0):n===2&&o&&!f?d.push(5,0,!0,o):n>=5&&((o||!f&&n===5)&&(d.push(n,0,o,r),n=6),f&&(d.push(n,f,0,r),n=6)),o=""},u=0;u<s.length;u++){u&&(n===1&&h(),h(u));for(var p=0;p<s[u].length;p++)a=s[u][p],n===1?a==="<"?(h(),d=[d],n=3):o+=a:n===4?o==="--"&&a===">"?(n=1,o=""):o=a+o[0]:l?a===l?l="":o+=a:a==='"'||a==="'"?l=a:a===">"?(h(),n=1):n&&(a==="="?(n=5,r=o,o=""):a==="/"&&(n<5||s[u][p+1]===">")?(h(),n===3&&(d=d[0]),n=d,(d=d[0]).push(2,0,n),n=0):a===" "||a==="	"||a===`
`||a==="\r"?(h(),n=2):o+=a),n===3&&o==="!--"&&(n=4,d=d[0])}return h(),d})(e)),t),arguments,[])).length>1?t:t[0]}var i=Tt.bind(nt);function be(e){let[t,s]=k(e),a=Q(e);return F(()=>{a.current!==e&&(a.current=e,s(e))},[e]),[t,s]}var R=["CRITICAL","HIGH","MEDIUM","LOW","NEGLIGIBLE","UNKNOWN"];function Ve(){let e=location.hash.replace(/^#/,"")||"/images",[t,s=""]=e.split("?");return{parts:t.split("/").filter(Boolean).map(decodeURIComponent),query:Object.fromEntries(new URLSearchParams(s))}}function T(e,t={}){let s=new URLSearchParams;for(let[r,n]of Object.entries(t))n!=null&&n!==""&&n!==!1&&s.set(r,String(n));let a=s.toString();return"#/"+e.map(r=>encodeURIComponent(r).replace(/%3A/gi,":")).join("/")+(a?"?"+a:"")}function re(e,t){location.hash=T(e,t)}function L(e,t,s=0){let[a,r]=k({data:null,error:null,loading:!0}),n=Q(0),o=kt(async()=>{let l=++n.current;try{let d=await e();l===n.current&&r({data:d,error:null,loading:!1})}catch(d){l===n.current&&r(h=>({data:h.data,error:d,loading:!1}))}},t);return F(()=>{if(r(d=>({...d,loading:!0})),o(),!s)return;let l=setInterval(o,s);return()=>{clearInterval(l),n.current++}},[o]),{...a,reload:o}}function ie(){return typeof matchMedia=="function"&&matchMedia("(max-width: 600px)").matches}function D(e){if(!e)return"";let[t,s]=e.includes(":")?e.split(":"):["",e];return(t?t+":":"")+s.slice(0,12)}function U(e){if(!e)return"never";let t=new Date(e);return isNaN(t)||t.getFullYear()<2e3?"never":t.toLocaleString()}function M(e){if(!e)return"never";let t=new Date(e);if(isNaN(t)||t.getFullYear()<2e3)return"never";let s=Math.round((Date.now()-t.getTime())/1e3);return s<5?"just now":s<60?s+" s ago":s<3600?Math.round(s/60)+" min ago":s<86400?Math.round(s/3600)+" h ago":Math.round(s/86400)+" d ago"}function Pt(e){if(!e)return"0 B";let t=["B","KB","MB","GB","TB"],s=0;for(;e>=1e3&&s<t.length-1;)e/=1e3,s++;return(s?e.toFixed(1):e)+" "+t[s]}function B(e){return"sev sev-"+(e||"unknown").toLowerCase()}function C({error:e}){return e?i`<p class="error" role="alert">${e.message||String(e)}</p>`:null}function P({what:e="Loading"}){return i`<p class="muted" role="status">${e}…</p>`}function It(e){let t=e==null?"":Array.isArray(e)?e.join(" "):String(e);return/^[=+\-@\t\r]/.test(t)&&(t="'"+t),/[",\n\r]/.test(t)?'"'+t.replace(/"/g,'""')+'"':t}function ls(e,t){let s=[e.map(([a])=>It(a)).join(",")];for(let a of t)s.push(e.map(([,r])=>It(r(a))).join(","));return s.join(`\r
`)+`\r
`}function Be(e,t,s="text/csv"){let a=URL.createObjectURL(new Blob([t],{type:s+";charset=utf-8"})),r=document.createElement("a");r.href=a,r.download=e,document.body.appendChild(r),r.click(),r.remove(),setTimeout(()=>URL.revokeObjectURL(a),1e4)}function E({name:e,columns:t,rows:s,label:a="Export CSV"}){let[r,n]=k(!1),[o,l]=k(null);async function d(){n(!0),l(null);try{Be(e+".csv",ls(t,await s()))}catch(h){l(h)}n(!1)}return i`<span class="csv"><button type="button" class="small" onClick=${d} disabled=${r}
    aria-label=${a+" ("+e+".csv)"}>${r?"Exporting\u2026":a}</button>${o&&i` <span class="error" role="alert">${o.message}</span>`}</span>`}function ke({offset:e,size:t,total:s,onGo:a,label:r="Pages"}){return s<=t&&e===0?null:i`<nav class="pager" aria-label=${r}>
    <button type="button" disabled=${e===0} onClick=${()=>a(Math.max(0,e-t))}>Previous</button>
    <span>${e+1}–${Math.min(s,e+t)} of ${s}</span>
    <button type="button" disabled=${e+t>=s} onClick=${()=>a(e+t)}>Next</button>
  </nav>`}function we({coverage:e,notCovered:t=[]}){return e==="not_covered"?i`<span class="nc-badge" title=${"The database has no data for "+t.join(", ")+": findings there are unknown, not absent"}>
      Not covered: ${t.join(", ")}</span>`:e==="unknown"?i`<span class="nc-badge unknown" title="The report does not say whether the database covered this image">Coverage unknown</span>`:null}var cs=[["name",e=>e.name],["url",e=>e.url],["filters",e=>e.filters||[]],["interval",e=>e.interval],["last_crawl",e=>e.last_crawl],["last_error",e=>e.last_error],["images",e=>e.images],["queued",e=>e.queued],["leased",e=>e.leased],["failed",e=>e.failed]],He=[["","Manual only"],["15m0s","Every 15 minutes"],["1h0m0s","Every hour"],["6h0m0s","Every 6 hours"],["24h0m0s","Every day"]];function ds(e){if(!e)return"Manual";let t=He.find(([s])=>s===e);return t?t[1]:"Every "+e}var At={name:"",url:"",username:"",password:"",token:"",insecure:!1,filters:"",interval:"",max_repositories:"",max_tags:"",rescan_after_db_update:!1};function us({initial:e,onDone:t,onCancel:s}){let a=!!e,[r,n]=k(e?{...At,...e,password:"",token:"",filters:(e.filters||[]).join(`
`),interval:e.interval||"",max_repositories:e.max_repositories||"",max_tags:e.max_tags||""}:At),[o,l]=k(null),[d,h]=k(!1),u=c=>_=>{let $=_.currentTarget;n({...r,[c]:$.type==="checkbox"?$.checked:$.value})};async function p(c){c.preventDefault(),h(!0),l(null);let _={name:r.name.trim(),url:r.url.trim(),username:r.username.trim()||void 0,password:r.password||void 0,token:r.token||void 0,insecure:r.insecure||void 0,filters:r.filters.split(/[\n,]/).map($=>$.trim()).filter(Boolean),interval:r.interval.trim(),max_repositories:r.max_repositories?Number(r.max_repositories):void 0,max_tags:r.max_tags?Number(r.max_tags):void 0,rescan_after_db_update:r.rescan_after_db_update||void 0};try{a?await x("/api/v1/registries/"+encodeURIComponent(e.name),{method:"PUT",body:_}):await x("/api/v1/registries",{method:"POST",body:_}),t(_.name)}catch($){l($),h(!1)}}let f=r.interval&&!He.some(([c])=>c===r.interval);return i`<form class="card form" onSubmit=${p} aria-labelledby="regform-title">
    <h2 id="regform-title">${a?"Edit registry "+e.name:"Add a registry"}</h2>
    <div class="grid">
      <div class="field">
        <label for="reg-name">Name</label>
        <input id="reg-name" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,62}" value=${r.name} onInput=${u("name")}
          readonly=${a} aria-describedby="reg-name-hint" />
        <small id="reg-name-hint">Letters, digits, “.”, “_”, “-”.</small>
      </div>
      <div class="field">
        <label for="reg-url">URL</label>
        <input id="reg-url" type="url" required placeholder="https://registry.example" value=${r.url} onInput=${u("url")} />
      </div>
      <div class="field">
        <label for="reg-user">Username</label>
        <input id="reg-user" autocomplete="off" value=${r.username} onInput=${u("username")} />
      </div>
      <div class="field">
        <label for="reg-pass">Password</label>
        <input id="reg-pass" type="password" autocomplete="new-password" value=${r.password} onInput=${u("password")}
          aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-token">Registry token</label>
        <input id="reg-token" type="password" autocomplete="off" value=${r.token} onInput=${u("token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-schedule">Schedule</label>
        <select id="reg-schedule" value=${f?"custom":r.interval} onChange=${c=>{let _=c.currentTarget.value;n({...r,interval:_==="custom"?"2h":_})}}>
          ${He.map(([c,_])=>i`<option value=${c}>${_}</option>`)}
          <option value="custom">Other interval…</option>
        </select>
      </div>
      ${f&&i`<div class="field">
        <label for="reg-interval">Interval (Go duration, e.g. 90m)</label>
        <input id="reg-interval" value=${r.interval} onInput=${u("interval")} />
      </div>`}
      <div class="field wide">
        <label for="reg-filters">Filters (one per line: repository glob, optionally :tag glob)</label>
        <textarea id="reg-filters" rows="3" placeholder="team/*:v*" value=${r.filters} onInput=${u("filters")}></textarea>
      </div>
      <div class="field">
        <label for="reg-maxrepos">Max repositories</label>
        <input id="reg-maxrepos" type="number" min="0" value=${r.max_repositories} onInput=${u("max_repositories")} />
      </div>
      <div class="field">
        <label for="reg-maxtags">Max tags per repository</label>
        <input id="reg-maxtags" type="number" min="0" value=${r.max_tags} onInput=${u("max_tags")} />
      </div>
      <div class="field check">
        <input id="reg-insecure" type="checkbox" checked=${r.insecure} onChange=${u("insecure")} />
        <label for="reg-insecure">Skip TLS verification</label>
      </div>
      <div class="field check">
        <input id="reg-rescan" type="checkbox" checked=${r.rescan_after_db_update} onChange=${u("rescan_after_db_update")} />
        <label for="reg-rescan">Rescan after database updates</label>
      </div>
    </div>
    <p id="reg-secret-hint" class="hint">
      Secrets are stored encrypted and never shown again.
      ${a&&i` Saving replaces them:
        ${e.password_set||e.token_set?i`<strong>retype the password or token</strong>, or leave both empty for none.`:"none is set now."}`}
    </p>
    <${C} error=${o} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${d}>${a?"Save":"Add registry"}</button>
      <button type="button" onClick=${s}>Cancel</button>
    </div>
  </form>`}function ps({r:e}){let t=e.queued+e.leased+e.scanned+e.failed,s=e.crawling||e.queued+e.leased>0,a;return e.crawling?a="Listing images\u2026":s?a=`Scanning: ${e.scanned} of ${t} done, ${e.leased} in progress, ${e.queued} waiting`:e.last_crawl?a=`Last scan ${M(e.last_crawl)}: ${e.scanned} scanned`+(e.failed?`, ${e.failed} failed`:""):a="Never scanned",i`<div class="progress-cell">
    <span class=${s?"state running":"state"} data-testid="reg-status">${a}</span>
    ${s&&t>0&&i`<progress max=${t} value=${e.scanned+e.failed} aria-label=${"Scan progress of "+e.name}></progress>`}
    ${e.last_error&&i`<span class="error small">Last crawl error: ${e.last_error}</span>`}
  </div>`}function Rt({role:e}){let t=e==="admin",{data:s,error:a,reload:r}=L(()=>x("/api/v1/console/registries"),[],2e3),[n,o]=k(null),[l,d]=k(""),[h,u]=k(null);async function p(f,c){u(null);try{await f(),d(c),r()}catch(_){u(_)}}return i`
    <div class="page-head">
      <h1>Registries</h1>
      ${t&&!n&&i`<button type="button" class="primary" onClick=${()=>o("new")}>Add registry</button>`}
    </div>
    <p class="sr-only" role="status" aria-live="polite">${l}</p>
    ${n&&i`<${us}
      initial=${n==="new"?null:n}
      onCancel=${()=>o(null)}
      onDone=${f=>{o(null),d("Registry "+f+" saved."),r()}}
    />`}
    <${C} error=${h||a} />
    ${!s&&!a&&i`<${P} />`}
    ${s&&s.length===0&&i`<p class="empty">No registries yet.${t?" Add one to start scanning.":""}</p>`}
    ${s&&s.length>0&&i`<div class="list-tools"><span></span><${E} name="registries" columns=${cs} rows=${()=>s} /></div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Registries and the progress of their scans</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Schedule</th><th scope="col">Images</th>
        <th scope="col">Status</th>${t&&i`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
      <tbody>
        ${s.map(f=>i`<tr key=${f.name} data-registry=${f.name}>
            <th scope="row"><a href=${T(["images"],{registry:f.name})}>${f.name}</a>
              ${(f.filters||[]).length>0&&i`<div class="small muted">${f.filters.join(", ")}</div>`}</th>
            <td class="mono small">${f.url}${f.username&&i`<div class="muted">as ${f.username}</div>`}</td>
            <td>${ds(f.interval)}${f.rescan_after_db_update&&i`<div class="small muted">rescans after DB updates</div>`}</td>
            <td class="num">${f.images}</td>
            <td><${ps} r=${f} /></td>
            ${t&&i`<td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Scan "+f.name+" now"} disabled=${f.crawling}
                onClick=${()=>p(()=>x(`/api/v1/registries/${encodeURIComponent(f.name)}/scan`,{method:"POST",body:{}}),"Scan of "+f.name+" started.")}>Scan now</button>
              <button type="button" class="small" aria-label=${"Edit "+f.name} onClick=${()=>o(f)}>Edit</button>
              <button type="button" class="small danger" aria-label=${"Delete "+f.name}
                onClick=${()=>confirm(`Delete registry ${f.name}? Its stored results stay.`)&&p(()=>x(`/api/v1/registries/${encodeURIComponent(f.name)}`,{method:"DELETE"}),"Registry "+f.name+" deleted.")}>Delete</button>
            </td>`}
          </tr>`)}
      </tbody>
    </table></div>`}
    <p class="hint">Status refreshes every 2 seconds.</p>`}var Dt={CRITICAL:"#8e1b1b",HIGH:"#d2461c",MEDIUM:"#c98a00",LOW:"#2f6db3",NEGLIGIBLE:"#5f7481",UNKNOWN:"#8a8a8a"};function le(e){return Dt[e]||Dt.UNKNOWN}function G({counts:e={},fixable:t={},title:s="Findings by severity"}){let a=R.filter(_=>e[_]>0);if(!a.reduce((_,$)=>_+e[$],0))return i`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No findings.</p></figure>`;let n=Math.max(...a.map(_=>e[_])),o=26,l=ie(),d=l?84:92,h=l?96:120,u=l?340:560,p=u-d-h,f=a.length*o+24,c=s+": "+a.map(_=>`${e[_]} ${_.toLowerCase()} (${t[_]||0} with a fix)`).join(", ");return i`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${u} ${f}" role="img" aria-label=${c} preserveAspectRatio="xMinYMin meet">
      <defs>
        ${a.map(_=>i`<pattern id=${"nofix-"+_} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill=${le(_)} opacity="0.35" />
            <line x1="0" y1="0" x2="0" y2="6" stroke=${le(_)} stroke-width="3" />
          </pattern>`)}
      </defs>
      ${a.map((_,$)=>{let b=$*o+2,g=e[_],v=Math.min(t[_]||0,g),m=Math.max(2,g/n*p),y=v/g*m;return i`<g>
          <text x="0" y=${b+16} class="chart-label">${_}</text>
          <rect x=${d} y=${b+3} width=${y} height="18" fill=${le(_)} />
          <rect x=${d+y} y=${b+3} width=${m-y} height="18" fill=${"url(#nofix-"+_+")"} />
          <text x=${d+m+6} y=${b+16} class="chart-num">${g} (${v} fix)</text>
        </g>`})}
      <g transform=${`translate(${d},${a.length*o+8})`}>
        <rect width="12" height="10" fill="#555" /><text x="16" y="9" class="chart-legend">has a fix</text>
        <rect x="90" width="12" height="10" fill="url(#nofix-${a[0]})" /><text x="106" y="9" class="chart-legend">no fix yet</text>
      </g>
    </svg>
  </figure>`}function xe({samples:e=[],series:t,title:s,timeFmt:a}){let r=ie()?360:640,n=ie()?200:220,o=44,l=12,d=12,h=40;if(e.length<2)return i`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">Not enough samples yet.</p></figure>`;let u=new Date(e[0].time).getTime(),p=new Date(e[e.length-1].time).getTime(),f=Math.max(1,p-u),c=Math.max(1,...e.flatMap(w=>t.map(A=>w[A.key]||0))),_=Mt(c),$=w=>o+(new Date(w).getTime()-u)/f*(r-o-l),b=w=>d+(1-w/_)*(n-d-h),g=e[e.length-1],v=s+(a?` from ${y(e[0].time)} to ${y(g.time)}: `:` over the last ${Math.round(f/6e4)||"<1"} min: `)+t.map(w=>`${w.label} now ${g[w.key]||0}, peak ${Math.max(...e.map(A=>A[w.key]||0))}`).join("; "),m=[0,_/2,_],y=a||(w=>new Date(w).toLocaleTimeString([],{hour:"2-digit",minute:"2-digit",second:"2-digit"}));return i`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${r} ${n}" role="img" aria-label=${v} preserveAspectRatio="xMinYMin meet">
      ${m.map(w=>i`<g>
          <line x1=${o} x2=${r-l} y1=${b(w)} y2=${b(w)} class="grid" />
          <text x=${o-6} y=${b(w)+4} text-anchor="end" class="chart-num">${w}</text>
        </g>`)}
      <text x=${o} y=${n-h+16} class="chart-num">${y(e[0].time)}</text>
      <text x=${r-l} y=${n-h+16} text-anchor="end" class="chart-num">${y(g.time)}</text>
      ${t.map(w=>i`<polyline fill="none" stroke=${w.color} stroke-width="2.5" stroke-linejoin="round"
          points=${e.map(A=>`${$(A.time).toFixed(1)},${b(A[w.key]||0).toFixed(1)}`).join(" ")} />`)}
      <g transform=${`translate(${o},${n-10})`}>
        ${t.map((w,A)=>i`<g transform=${`translate(${A*(r>400?120:100)},0)`}>
            <rect y="-9" width="14" height="4" fill=${w.color} /><text x="18" y="-3" class="chart-legend">${w.label}</text>
          </g>`)}
      </g>
    </svg>
  </figure>`}function Mt(e){let t=Math.pow(10,Math.floor(Math.log10(e)));for(let s of[1,2,5,10])if(s*t>=e)return s*t;return 10*t}function Ot({days:e=[],valueKey:t,title:s,color:a="#1a5fb4"}){if(!e.length)return i`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No days recorded yet.</p></figure>`;let r=ie()?340:560,n=170,o=36,l=24,d=14,h=Mt(Math.max(1,...e.map($=>$[t]||0))),u=(r-o)/Math.max(e.length,7),p=Math.max(4,Math.min(40,u*.7)),f=$=>d+(1-$/h)*(n-d-l),c=$=>new Date($+"T12:00:00Z").toLocaleDateString([],{month:"short",day:"numeric"}),_=s+": "+e.map($=>`${c($.day)} ${$[t]||0}`).join(", ");return i`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${r} ${n}" role="img" aria-label=${_} preserveAspectRatio="xMinYMin meet">
      ${[0,h/2,h].filter(Number.isInteger).map($=>i`<g><line x1=${o} x2=${r} y1=${f($)} y2=${f($)} class="grid" />
          <text x=${o-6} y=${f($)+4} text-anchor="end" class="chart-num">${$}</text></g>`)}
      ${e.map(($,b)=>{let g=$[t]||0,v=o+b*u+(u-p)/2;return i`<g>
          <rect x=${v} y=${f(g)} width=${p} height=${Math.max(0,n-l-f(g))} fill=${a} />
          ${(e.length<=10||b===0||b===e.length-1)&&i`<text x=${v+p/2} y=${n-8} text-anchor="middle" class="chart-num">${c($.day)}</text>`}
        </g>`})}
    </svg>
  </figure>`}var ce=50,fs=[{key:"repository",label:"Image"},{key:"os",label:"OS",cls:"hide-sm"},{key:"severity",label:"Findings by severity"},{key:"fixable",label:"With a fix",cls:"num"},{key:"packages",label:"Packages",cls:"num hide-sm"},{key:"scanned_at",label:"Last scan",cls:"hide-sm"}],ms=[["","Any"],["not_covered","Not covered"],["covered","Covered"],["unknown","Unknown"]];function qe({sev:e={},fix:t={},coverage:s,notCovered:a}){let r=R.filter(o=>e[o]>0),n=i`<${we} coverage=${s} notCovered=${a} />`;return r.length?i`<span class="counts">${n}
    ${r.map(o=>i`<span class=${B(o)} title=${`${e[o]} ${o.toLowerCase()}, ${t[o]||0} with a fix`}>
        <span aria-hidden="true">${o[0]}</span><span class="sr-only">${o.toLowerCase()}</span> ${e[o]}</span>`)}
  </span>`:s&&s!=="covered"?n:i`<span class="muted">none</span>`}function Ut({query:e}){let t={registry:e.registry||"",repository:e.repository||"",q:e.q||"",severity:e.severity||"",coverage:e.coverage||"",fixable:e.fixable==="true",sort:e.sort||"severity",order:e.order||"",offset:Number(e.offset)||0},s=JSON.stringify(t),{data:a,error:r,loading:n}=L(()=>x("/api/v1/console/images"+V({...t,limit:ce})),[s],1e4),[o,l]=be(t.q),d=p=>re(["images"],{...t,offset:0,...p}),h=p=>{let f=t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(t.sort);d({sort:p,order:t.sort===p?f?"asc":"desc":""})},u=p=>t.sort!==p?void 0:(t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(p))?"descending":"ascending";return i`
    <div class="page-head"><h1>Images</h1></div>
    <form class="filters" role="search" aria-label="Filter images" onSubmit=${p=>{p.preventDefault(),d({q:o.trim()})}}>
      <div class="field">
        <label for="f-registry">Registry</label>
        <select id="f-registry" value=${t.registry} onChange=${p=>d({registry:p.currentTarget.value,repository:""})}>
          <option value="">All</option>
          ${(a?.registries||(t.registry?[t.registry]:[])).map(p=>i`<option value=${p}>${p}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-repo">Repository</label>
        <select id="f-repo" value=${t.repository} onChange=${p=>d({repository:p.currentTarget.value})}>
          <option value="">All</option>
          ${(a?.repositories||(t.repository?[t.repository]:[])).map(p=>i`<option value=${p}>${p}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-sev">Has severity</label>
        <select id="f-sev" value=${t.severity} onChange=${p=>d({severity:p.currentTarget.value})}>
          <option value="">Any</option>
          ${R.map(p=>i`<option value=${p}>${p[0]+p.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-cov">Coverage</label>
        <select id="f-cov" value=${t.coverage} onChange=${p=>d({coverage:p.currentTarget.value})}>
          ${ms.map(([p,f])=>i`<option value=${p}>${f}</option>`)}
        </select>
      </div>
      <div class="field grow">
        <label for="f-q">Search</label>
        <input id="f-q" type="search" placeholder="name, tag, digest or OS" value=${o} onInput=${p=>l(p.currentTarget.value)} />
      </div>
      <div class="field check">
        <input id="f-fix" type="checkbox" checked=${t.fixable} onChange=${p=>d({fixable:p.currentTarget.checked})} />
        <label for="f-fix">Only with fixes</label>
      </div>
      <button type="submit">Search</button>
    </form>
    <${C} error=${r} />
    ${!a&&!r&&i`<${P} />`}
    ${a&&i`
      <div class="summary">
        <div class="list-tools">
          <p role="status" aria-live="polite"><strong>${a.total}</strong> image${a.total===1?"":"s"}${a.not_covered>0?i`, <a href=${T(["images"],{...t,offset:0,coverage:"not_covered"})} class="nc-link"><strong>${a.not_covered}</strong> not covered</a> (their counts are incomplete)`:""}${n?" (refreshing\u2026)":""}</p>
          <${E} name="images" columns=${hs} rows=${()=>_s(t)} />
        </div>
        <${G} counts=${a.severities} fixable=${a.fixable} title="Findings in these images by severity" />
      </div>
      ${a.total===0?i`<p class="empty">No scanned image matches. Add a registry and scan it, or change the filters.</p>`:i`<div class="table-wrap"><table class="data images">
        <caption class="sr-only">Scanned images, sorted by ${t.sort}</caption>
        <thead><tr>
          ${fs.map(p=>i`<th scope="col" class=${p.cls||""} aria-sort=${u(p.key)}>
              <button type="button" class="sort" onClick=${()=>h(p.key)}>${p.label}<span aria-hidden="true">${t.sort===p.key?u(p.key)==="descending"?" \u25BC":" \u25B2":""}</span></button></th>`)}
        </tr></thead>
        <tbody>
          ${a.items.map(p=>{let f=Object.values(p.fixable||{}).reduce((c,_)=>c+_,0);return i`<tr key=${p.registry+p.repository+p.digest}>
              <th scope="row">
                <a href=${T(["image",p.digest])}>${p.repository}:${p.tag}</a>
                ${(p.tags||[]).filter(c=>c!==p.tag).length>0&&i`<div class="small">also ${(p.tags||[]).filter(c=>c!==p.tag).map(c=>":"+c).join(", ")}</div>`}
                <div class="small muted mono hide-sm">${p.registry} · ${D(p.digest)}</div>
              </th>
              <td class="hide-sm">${p.os||i`<span class="muted">unknown</span>`}</td>
              <td><${qe} sev=${p.severities} fix=${p.fixable} coverage=${p.coverage} notCovered=${p.not_covered} /></td>
              <td class="num">${f} / ${p.vulnerabilities}${p.coverage==="not_covered"?i`<span title="not covered: incomplete"> *</span>`:""}</td>
              <td class="num hide-sm">${p.packages}</td>
              <td class="hide-sm" title=${p.scanned_at}>${M(p.scanned_at)}</td>
            </tr>`})}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled=${t.offset===0} onClick=${()=>d({offset:Math.max(0,t.offset-ce)})}>Previous</button>
        <span>${t.offset+1}–${Math.min(a.total,t.offset+ce)} of ${a.total}</span>
        <button type="button" disabled=${t.offset+ce>=a.total} onClick=${()=>d({offset:t.offset+ce})}>Next</button>
      </nav>`}
    `}`}var hs=[["registry",e=>e.registry],["repository",e=>e.repository],["tags",e=>(e.tags&&e.tags.length?e.tags:[e.tag]).join(" ")],["digest",e=>e.digest],["os",e=>e.os],["coverage",e=>e.coverage],["not_covered",e=>(e.not_covered||[]).join(" ")],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...R.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>Object.values(e.fixable||{}).reduce((t,s)=>t+s,0)],["scanned_at",e=>e.scanned_at]];async function _s(e){let t=[];for(let s=0;;s+=500){let a=await x("/api/v1/console/images"+V({...e,offset:s,limit:500}));if(t.push(...a.items),s+500>=a.total)return t}}var Z=[["findings","Findings"],["layers","Layers"],["packages","Packages"]],gs=[["json","JSON"],["sarif","SARIF"],["cyclonedx","CycloneDX"],["spdx","SPDX"]];function $s(e){let s=(e.references||[]).find(a=>/^https:\/\//.test(a));return s||(/^CVE-/.test(e.id)?"https://nvd.nist.gov/vuln/detail/"+e.id:/^GHSA-/.test(e.id)?"https://github.com/advisories/"+e.id:/^GO-/.test(e.id)?"https://pkg.go.dev/vuln/"+e.id:"https://osv.dev/vulnerability/"+e.id)}var jt=50;function We({kev:e}){return e?i`<span class="badge kev" title=${"In CISA's Known Exploited Vulnerabilities catalog since "+e.date_added+(e.due_date?", remediation due "+e.due_date:"")+(e.known_ransomware_use?"; used by ransomware":"")}>KEV</span>`:null}function Ge({epss:e}){if(!e)return null;let t=(e.score*100).toFixed(e.score<.1?1:0);return i`<span class="badge epss" title=${`EPSS ${t}% probability of exploitation in the next 30 days (percentile ${Math.round(e.percentile*100)}, ${e.date})`}>EPSS ${t}%</span>`}function Ke({cvss:e}){return!e||!e.length?i`<span class="muted">none given</span>`:i`<ul class="refs">${e.map(t=>i`<li><strong>${t.score.toFixed(1)}</strong> CVSS ${t.version}${t.source?" ("+t.source+")":""} <span class="mono small">${t.vector}</span></li>`)}</ul>`}function ze({refs:e}){return!e||!e.length?i`<span class="muted">none</span>`:i`<ul class="refs">${e.map(t=>/^https?:\/\//i.test(t)?i`<li><a href=${t} target="_blank" rel="noopener noreferrer">${t}</a></li>`:i`<li>${t}</li>`)}</ul>`}function vs({v:e}){return i`<div class="detail-body">
    ${e.title&&i`<strong>${e.title}</strong>`}
    ${e.description?i`<p class="description">${e.description}</p>`:i`<p class="muted">The advisory has no description.</p>`}
    <dl>
      <dt>Severity</dt><dd>${e.severity||"UNKNOWN"}${e.severity_source?" (from "+e.severity_source+")":""}${e.vendor_severity?", vendor: "+e.vendor_severity:""}</dd>
      <dt>CVSS</dt><dd><${Ke} cvss=${e.cvss} /></dd>
      ${e.kev&&i`<dt>Known exploited</dt><dd>in CISA KEV since ${e.kev.date_added}${e.kev.due_date?", due "+e.kev.due_date:""}${e.kev.known_ransomware_use?"; used by ransomware":""}</dd>`}
      ${e.epss&&i`<dt>EPSS</dt><dd>${(e.epss.score*100).toFixed(2)}% (percentile ${Math.round(e.epss.percentile*100)}, ${e.epss.date})</dd>`}
      ${e.package_path&&i`<dt>Found in</dt><dd class="mono small">${e.package_path}</dd>`}
      <dt>Source</dt><dd>${e.source||"unknown"}</dd>
      <dt>References</dt><dd><${ze} refs=${e.references} /></dd>
    </dl>
  </div>`}var ys=[["id",e=>e.id],["aliases",e=>e.aliases||[]],["severity",e=>e.severity],["severity_source",e=>e.severity_source],["title",e=>e.title],["package",e=>e.package],["package_type",e=>e.package_type],["package_path",e=>e.package_path],["installed_version",e=>e.installed_version],["fixed_version",e=>e.fixed_version],["cvss",e=>(e.cvss||[]).map(t=>t.score+" "+t.vector).join(" ")],["kev",e=>e.kev?e.kev.date_added:""],["epss",e=>e.epss?e.epss.score:""],["layer",e=>e.layer]];function Ye({rep:e,name:t}){let[s,a]=k(""),[r,n]=k(""),[o,l]=k(!1),[d,h]=k(!1),[u,p]=k(0),[f,c]=k({}),_=e.vulnerabilities||[],$=oe(()=>{let m=s.trim().toLowerCase();return _.filter(y=>(!r||(y.severity||"").toUpperCase()===r)&&(!o||y.fixed_version)&&(!d||y.kev)&&(!m||(y.id+" "+(y.aliases||[]).join(" ")+" "+y.package+" "+(y.title||"")).toLowerCase().includes(m))).sort((y,w)=>R.indexOf((y.severity||"UNKNOWN").toUpperCase())-R.indexOf((w.severity||"UNKNOWN").toUpperCase())||(w.kev?1:0)-(y.kev?1:0)||y.id.localeCompare(w.id))},[_,s,r,o,d]),b=m=>y=>{m(y),p(0)},g=$.slice(u,u+jt),v=_.some(m=>m.kev);return i`
    <form class="filters" role="search" aria-label="Filter findings" onSubmit=${m=>m.preventDefault()}>
      <div class="field grow">
        <label for="v-q">Find</label>
        <input id="v-q" type="search" placeholder="CVE, package or title" value=${s} onInput=${m=>b(a)(m.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="v-sev">Severity</label>
        <select id="v-sev" value=${r} onChange=${m=>b(n)(m.currentTarget.value)}>
          <option value="">Any</option>
          ${R.map(m=>i`<option value=${m}>${m[0]+m.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field check">
        <input id="v-fix" type="checkbox" checked=${o} onChange=${m=>b(l)(m.currentTarget.checked)} />
        <label for="v-fix">Only with a fix</label>
      </div>
      ${v&&i`<div class="field check">
        <input id="v-kev" type="checkbox" checked=${d} onChange=${m=>b(h)(m.currentTarget.checked)} />
        <label for="v-kev">Only known exploited</label>
      </div>`}
    </form>
    <div class="list-tools">
      <p role="status" class="muted" id="findings-count">${$.length} of ${_.length} findings</p>
      <${E} name=${t+"-findings"} columns=${ys} rows=${()=>$} />
    </div>
    ${$.length>0&&i`<div class="table-wrap"><table class="data findings">
      <caption class="sr-only">Findings, worst first</caption>
      <thead><tr><th scope="col">Severity</th><th scope="col">Vulnerability</th><th scope="col">Package</th>
        <th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Layer</th><th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>
        ${g.map((m,y)=>{let w=m.id+"|"+m.package+"|"+m.installed_version+"|"+(m.package_path||"")+"|"+(u+y),A=!!f[w];return i`<tr key=${w}>
            <td><span class=${B((m.severity||"").toUpperCase())}>${m.severity||"UNKNOWN"}</span>
              ${m.severity_source&&i`<div class="small muted">${m.severity_source}</div>`}</td>
            <th scope="row">
              <a href=${T(["vulnerabilities",m.id])}>${m.id}</a>
              <a class="ext" href=${$s(m)} target="_blank" rel="noopener noreferrer" aria-label=${"Advisory for "+m.id+" (opens a new tab)"}>↗</a>
              <${We} kev=${m.kev} /><${Ge} epss=${m.epss} />
              ${m.title&&i`<div class="title-line" title=${m.title}>${m.title}</div>`}
              ${(m.aliases||[]).length>0&&i`<div class="small muted">${m.aliases.join(", ")}</div>`}
            </th>
            <td>${m.package}${m.package_type&&i` <span class="muted small">${m.package_type}</span>`}</td>
            <td class="mono small">${m.installed_version} → ${m.fixed_version?i`<strong>${m.fixed_version}</strong>`:i`<span class="nofix">no fix</span>`}</td>
            <td class="hide-sm small">${m.layer?i`<span class="mono">${D(m.layer)}</span>`:""}
              ${m.layer_created_by&&i`<div class="created-by" title=${m.layer_created_by}>${m.layer_created_by}</div>`}</td>
            <td><button type="button" class="small" aria-expanded=${A?"true":"false"} aria-controls=${"d-"+(u+y)}
              aria-label=${(A?"Hide details of ":"Show details of ")+m.id+" in "+m.package}
              onClick=${()=>c({...f,[w]:!A})}>${A?"Hide":"Details"}</button></td>
          </tr>
          ${A&&i`<tr class="detail" key=${w+"-d"} id=${"d-"+(u+y)}><td colspan="6"><${vs} v=${m} /></td></tr>`}`})}
      </tbody>
    </table></div>
    <${ke} offset=${u} size=${jt} total=${$.length} onGo=${p} label="Pages of findings" />`}`}function bs({rep:e}){let t=e.image?.layers||[],s=n=>{let o={};for(let l of n||[])o[l.layer]=(o[l.layer]||0)+1;return o},a=s(e.packages),r=s(e.vulnerabilities);return t.length?i`<ol class="layers">
    ${t.map((n,o)=>i`<li key=${n.digest} class="card">
        <div class="layer-head"><strong>Layer ${o+1}</strong> <span class="mono small">${D(n.digest)}</span>
          <span class="muted small">${Pt(n.size)}</span></div>
        <pre class="created-by-full">${n.created_by||"(no history entry)"}</pre>
        <p class="small">${a[n.digest]||0} packages introduced · ${r[n.digest]||0} findings</p>
      </li>`)}
  </ol>`:i`<p class="empty">This report lists no layers.</p>`}var ks=[["name",e=>e.name],["version",e=>e.version],["type",e=>e.type],["path",e=>e.path],["layer",e=>e.layer],["purl",e=>e.purl]];function Je({rep:e,name:t}){let[s,a]=k(""),[r,n]=k(200),o=e.packages||[],l=s.trim().toLowerCase(),d=o.filter(h=>!l||(h.name+" "+h.version+" "+h.type).toLowerCase().includes(l));return i`
    <form class="filters" role="search" aria-label="Filter packages" onSubmit=${h=>h.preventDefault()}>
      <div class="field grow">
        <label for="p-q">Find a package</label>
        <input id="p-q" type="search" value=${s} onInput=${h=>a(h.currentTarget.value)} />
      </div>
    </form>
    <div class="list-tools">
      <p role="status" class="muted">${d.length} of ${o.length} packages</p>
      <${E} name=${t+"-packages"} columns=${ks} rows=${()=>d} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Packages</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Type</th><th scope="col" class="hide-sm">Path</th><th scope="col" class="hide-sm">Layer</th></tr></thead>
      <tbody>
        ${d.slice(0,r).map((h,u)=>i`<tr key=${u}>
            <th scope="row">${h.name}</th><td class="mono small">${h.version}</td><td>${h.type}</td>
            <td class="hide-sm small mono">${h.path}</td><td class="hide-sm small mono">${D(h.layer)}</td>
          </tr>`)}
      </tbody>
    </table></div>
    ${d.length>r&&i`<button type="button" onClick=${()=>n(r+500)}>Show more (${d.length-r} left)</button>`}`}function Ft({digest:e,query:t}){let{data:s,error:a}=L(()=>x("/api/v1/images/"+encodeURIComponent(e)),[e]),{data:r}=L(()=>x("/api/v1/console/images"+V({q:e,limit:20,sort:"reference"})).then(g=>g.items.filter(v=>v.digest===e)),[e]),[n,o]=k(t.tab||"findings"),[l,d]=k(null),h=oe(()=>{let g={},v={};for(let m of s?.vulnerabilities||[]){let y=(m.severity||"UNKNOWN").toUpperCase();g[y]=(g[y]||0)+1,m.fixed_version&&(v[y]=(v[y]||0)+1)}return{c:g,f:v}},[s]);if(a)return i`<h1>Image</h1><${C} error=${a} />`;let u=(r||[]).flatMap(g=>(g.tags&&g.tags.length?g.tags:[g.tag]).map(v=>g.registry+"/"+g.repository+":"+v)),p=r&&r.length?r[0].repository+":"+r[0].tag:s&&s.image?.reference||e,f=(r&&r.length?r[0].repository+"-"+r[0].tag:D(e)).replace(/[^A-Za-z0-9._-]+/g,"_");if(!s)return i`<h1>Image</h1><${P} />`;let c=s.image||{},_=s.os?s.os.pretty_name||s.os.id+" "+(s.os.version_id||""):"unknown",$=(s.coverage||[]).filter(g=>!g.covered),b=g=>{let v=Z.findIndex(([y])=>y===n),m=-1;g.key==="ArrowRight"&&(m=(v+1)%Z.length),g.key==="ArrowLeft"&&(m=(v+Z.length-1)%Z.length),m>=0&&(g.preventDefault(),o(Z[m][0]),document.getElementById("tab-"+Z[m][0]).focus())};return i`
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/images">Images</a> ›</nav>
    <h1 class="break">${p}</h1>
    ${u.length>0&&i`<p class="muted small" id="image-tags">${u.join(", ")}</p>`}
    <p class="mono small break">${c.digest||e}</p>
    <dl class="facts">
      <div><dt>OS</dt><dd>${_}</dd></div>
      ${c.platform&&i`<div><dt>Platform</dt><dd>${c.platform}</dd></div>`}
      <div><dt>Scanned</dt><dd>${U(s.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(s.packages||[]).length}</dd></div>
      <div><dt>Findings</dt><dd>${(s.vulnerabilities||[]).length}</dd></div>
      ${s.db&&i`<div><dt>Database</dt><dd><span class="mono small">${D(s.db.digest)}</span><div class="small muted">built ${U(s.db.built_at)}</div></dd></div>`}
    </dl>
    ${$.length>0&&i`<p class="warn" role="note">Not covered by the database: ${$.map(g=>g.ecosystem+" ("+g.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    <div class="downloads" role="group" aria-label="Download the report">
      <span>Download report:</span>
      ${gs.map(([g,v])=>i`<button type="button" class="small" onClick=${()=>{d(null),Lt(`/api/v1/images/${encodeURIComponent(e)}/report?format=${g}`,"report."+g).catch(d)}}>${v}</button>`)}
    </div>
    <${C} error=${l} />
    <${G} counts=${h.c} fixable=${h.f} />
    <div class="tabs" role="tablist" aria-label="Report sections" onKeyDown=${b}>
      ${Z.map(([g,v])=>i`<button type="button" role="tab" id=${"tab-"+g} aria-controls=${"panel-"+g}
          aria-selected=${n===g?"true":"false"} tabindex=${n===g?0:-1} onClick=${()=>o(g)}>${v}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+n} aria-labelledby=${"tab-"+n} class="panel">
      ${n==="findings"&&i`<${Ye} rep=${s} name=${f} />`}
      ${n==="layers"&&i`<${bs} rep=${s} />`}
      ${n==="packages"&&i`<${Je} rep=${s} name=${f} />`}
    </section>`}var Vt=50;function ws({id:e}){let{data:t,error:s}=L(()=>x("/api/v1/vulnerabilities/"+encodeURIComponent(e)),[e]),[a,r]=k(0);return s?i`<h1 class="break">${e}</h1>
      ${s.status===404?i`<p class="empty">No scanned image has ${e}.</p>`:i`<${C} error=${s} />`}`:t?i`
    <h1 class="break">${t.id} <span class=${B(t.severity)}>${t.severity}</span><${We} kev=${t.kev} /><${Ge} epss=${t.epss} /></h1>
    ${t.title&&i`<p class="vuln-title"><strong>${t.title}</strong></p>`}
    ${t.aliases.length>0&&i`<p>Also known as ${t.aliases.join(", ")}</p>`}
    ${t.description&&i`<p class="description">${t.description}</p>`}
    <dl class="facts vuln-facts">
      <div><dt>Severity</dt><dd>${t.severity}${t.severity_source?" (from "+t.severity_source+")":""}</dd></div>
      ${t.cvss&&t.cvss.length>0&&i`<div class="wide-fact"><dt>CVSS</dt><dd><${Ke} cvss=${t.cvss} /></dd></div>`}
      ${t.kev&&i`<div><dt>Known exploited</dt><dd>CISA KEV since ${t.kev.date_added}${t.kev.due_date?", due "+t.kev.due_date:""}</dd></div>`}
      ${t.epss&&i`<div><dt>EPSS</dt><dd>${(t.epss.score*100).toFixed(2)}% (percentile ${Math.round(t.epss.percentile*100)})</dd></div>`}
    </dl>
    ${t.references.length>0&&i`<details open=${t.references.length<=5}><summary>References (${t.references.length})</summary><${ze} refs=${t.references} /></details>`}
    <div class="list-tools">
      <h2>${t.images.length} affected image${t.images.length===1?"":"s"}</h2>
      <${E} name=${t.id+"-images"} columns=${xs} rows=${()=>t.images.flatMap(n=>n.findings.map(o=>({im:n,f:o})))} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Images affected by ${t.id}</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">Package</th><th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
      <tbody>
        ${t.images.slice(a,a+Vt).map(n=>n.findings.map((o,l)=>i`<tr key=${n.digest+l}>
              ${l===0&&i`<th scope="row" rowspan=${n.findings.length}>
                <a href=${T(["image",n.digest])}>${n.repository}:${n.tag}</a>
                ${(n.tags||[]).filter(d=>d!==n.tag).length>0&&i`<div class="small">also ${(n.tags||[]).filter(d=>d!==n.tag).map(d=>":"+d).join(", ")}</div>`}
                <div class="small muted mono">${n.registry} · ${D(n.digest)}</div>
              </th>`}
              <td>${o.package}</td>
              <td class="mono small">${o.installed_version} → ${o.fixed_version?i`<strong>${o.fixed_version}</strong>`:i`<span class="nofix">no fix</span>`}</td>
              ${l===0&&i`<td class="hide-sm" rowspan=${n.findings.length}>${M(n.scanned_at)}</td>`}
            </tr>`))}
      </tbody>
    </table></div>
    <${ke} offset=${a} size=${Vt} total=${t.images.length} onGo=${r} label="Pages of affected images" />`:i`<h1 class="break">${e}</h1><${P} />`}var xs=[["registry",e=>e.im.registry],["repository",e=>e.im.repository],["tags",e=>e.im.tags&&e.im.tags.length?e.im.tags:[e.im.tag]],["digest",e=>e.im.digest],["package",e=>e.f.package],["installed_version",e=>e.f.installed_version],["fixed_version",e=>e.f.fixed_version],["scanned_at",e=>e.im.scanned_at]],Ss=[["id",e=>e.id],["worst_severity",e=>e.severity],["images",e=>e.images]];function Bt({id:e,query:t}){let[s,a]=be(t.q||e||""),r=t.q||"",{data:n,error:o}=L(()=>e?Promise.resolve(null):x("/api/v1/vulnerabilities"+V({q:r,limit:100})),[r,e]);async function l(d){d.preventDefault();let h=s.trim();if(/^(CVE|GHSA|GO|PYSEC|RUSTSEC|ALSA|DSA|DLA|OSV)-/i.test(h))try{let p=(await x("/api/v1/vulnerabilities"+V({q:h,limit:5}))).find(f=>f.id.toLowerCase()===h.toLowerCase());if(p)return re(["vulnerabilities",p.id])}catch{}re(["vulnerabilities"],{q:h})}return i`
    ${e?i`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/vulnerabilities">Vulnerabilities</a> ›</nav>`:i`<div class="page-head"><h1>Vulnerabilities</h1></div>`}
    <form class="filters" role="search" aria-label="Find a vulnerability" onSubmit=${l}>
      <div class="field grow">
        <label for="cve-q">Vulnerability ID</label>
        <input id="cve-q" type="search" placeholder="CVE-2024-9143, GHSA-…, GO-…" value=${s} onInput=${d=>a(d.currentTarget.value)} />
      </div>
      <button type="submit" class="primary">Find</button>
    </form>
    ${e?i`<${ws} key=${e} id=${e} />`:i`
        <${C} error=${o} />
        ${!n&&!o&&i`<${P} />`}
        ${n&&n.length===0&&i`<p class="empty">${r?"No scanned image has a vulnerability matching \u201C"+r+"\u201D.":"No findings stored yet."}</p>`}
        ${n&&n.length>0&&i`<div class="list-tools"><h2>${r?"Matching vulnerabilities":"Most widespread vulnerabilities"}</h2>
          <${E} name="vulnerabilities" columns=${Ss} rows=${()=>x("/api/v1/vulnerabilities"+V({q:r,limit:1e3}))} /></div>
        <div class="table-wrap"><table class="data">
          <caption class="sr-only">Vulnerabilities and how many images have them</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Worst severity</th><th scope="col" class="num">Images</th></tr></thead>
          <tbody>${n.map(d=>i`<tr key=${d.id}><th scope="row"><a href=${T(["vulnerabilities",d.id])}>${d.id}</a></th>
              <td><span class=${B(d.severity)}>${d.severity}</span></td><td class="num">${d.images}</td></tr>`)}</tbody>
        </table></div>`}`}`}var Cs=[["id",e=>e.id],["name",e=>e.name],["state",e=>e.state],["version",e=>e.version],["concurrency",e=>e.concurrency],["current_images",e=>e.current_images||[]],["done",e=>e.done],["failed",e=>e.failed],["db_digest",e=>e.db_digest],["last_seen",e=>e.last_seen]];function Ls(e){let t=(new Date(e.last_seen)-new Date(e.registered_at))/6e4;return!(t>.05)||!e.done?"\u2014":(e.done/t).toFixed(1)+"/min"}function Es({cfg:e,onSaved:t}){let[s,a]=k({...e}),[r,n]=k(null);async function o(l){l.preventDefault(),n(null);try{await x("/api/v1/autoscaler",{method:"PUT",body:{strategy:s.strategy,minScannerPods:Number(s.minScannerPods),maxScannerPods:Number(s.maxScannerPods)}}),t()}catch(d){n(d)}}return i`<form class="inline-form" onSubmit=${o} aria-label="Auto-scaler settings">
    <div class="field">
      <label for="as-strategy">Strategy</label>
      <select id="as-strategy" value=${s.strategy} onChange=${l=>a({...s,strategy:l.currentTarget.value})}>
        <option value="delayed">Delayed</option><option value="immediate">Immediate</option><option value="disabled">Disabled</option>
      </select>
    </div>
    <div class="field"><label for="as-min">Min scanners</label>
      <input id="as-min" type="number" min="0" value=${s.minScannerPods} onInput=${l=>a({...s,minScannerPods:l.currentTarget.value})} /></div>
    <div class="field"><label for="as-max">Max scanners</label>
      <input id="as-max" type="number" min="0" value=${s.maxScannerPods} onInput=${l=>a({...s,maxScannerPods:l.currentTarget.value})} /></div>
    <button type="submit" class="primary">Apply</button>
    <${C} error=${r} />
  </form>`}function Ht({role:e}){let t=L(()=>x("/api/v1/scanners"),[],3e3),s=L(()=>x("/api/v1/queue/history"),[],5e3),a=L(()=>x("/api/v1/autoscaler"),[],5e3),r=(t.data||[]).slice().sort((l,d)=>(l.state==="active"?0:1)-(d.state==="active"?0:1)),n=s.data?.samples||[],o=n[n.length-1];return i`
    <div class="page-head"><h1>Scanners</h1></div>
    ${o&&i`<ul class="stats" aria-label="Queue now">
      <li><strong>${o.queued}</strong> waiting</li><li><strong>${o.leased}</strong> scanning</li>
      <li><strong>${o.done}</strong> done</li><li><strong>${o.failed}</strong> failed</li>
      <li><strong>${o.scanners}</strong> active scanners</li>
    </ul>`}
    <${C} error=${s.error} />
    <${xe} samples=${n} title="Queue length"
      series=${[{key:"queued",label:"waiting",color:"#d2461c"},{key:"leased",label:"scanning",color:"#2f6db3"},{key:"scanners",label:"scanners",color:"#2e7d32"}]} />
    <div class="list-tools"><h2>Scanners</h2>${r.length>0&&i`<${E} name="scanners" columns=${Cs} rows=${()=>r} />`}</div>
    <${C} error=${t.error} />
    ${!t.data&&!t.error&&i`<${P} />`}
    ${t.data&&r.length===0&&i`<p class="empty">No scanner has registered. Start one with <code>scanfleet scanner --controller URL --token TOKEN</code>, or let the auto-scaler start them.</p>`}
    ${r.length>0&&i`<div class="table-wrap"><table class="data">
      <caption class="sr-only">Registered scanners</caption>
      <thead><tr><th scope="col">Scanner</th><th scope="col">State</th><th scope="col">Current images</th>
        <th scope="col" class="num">Done / failed</th><th scope="col" class="num">Throughput</th><th scope="col" class="hide-sm">Database</th><th scope="col" class="hide-sm">Last seen</th></tr></thead>
      <tbody>${r.map(l=>i`<tr key=${l.id}>
          <th scope="row">${l.name||l.id}<div class="small muted mono">${l.id} · v${l.version} · ×${l.concurrency}</div></th>
          <td><span class=${"state-badge "+l.state}>${l.state}</span></td>
          <td class="small mono">${(l.current_images||[]).length?l.current_images.map(d=>i`<div class="break">${d}</div>`):i`<span class="muted">idle</span>`}</td>
          <td class="num">${l.done} / ${l.failed}</td>
          <td class="num">${Ls(l)}</td>
          <td class="hide-sm mono small">${l.db_digest?D(l.db_digest):i`<span class="muted">none</span>`}</td>
          <td class="hide-sm" title=${U(l.last_seen)}>${M(l.last_seen)}</td>
        </tr>`)}</tbody>
    </table></div>`}
    <h2>Auto-scaler</h2>
    <${C} error=${a.error} />
    ${a.data&&(a.data.enabled?i`<p>Strategy <strong>${a.data.config.strategy}</strong>, ${a.data.config.minScannerPods}–${a.data.config.maxScannerPods} scanners${a.data.replicas!==void 0?i`, <strong>${a.data.replicas}</strong> wanted now`:""}.</p>
        ${e==="admin"&&i`<${Es} key=${JSON.stringify(a.data.config)} cfg=${a.data.config} onSaved=${a.reload} />`}
        <h3>Events</h3>
        ${a.data.events.length===0?i`<p class="empty">No scaling events yet.</p>`:i`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Auto-scaler events, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Scanners</th><th scope="col" class="num">Queued</th><th scope="col" class="hide-sm">Reason</th></tr></thead>
          <tbody>${a.data.events.slice().reverse().map((l,d)=>i`<tr key=${d}><td title=${U(l.time)}>${M(l.time)}</td><td>${l.kind}</td><td>${l.from} → ${l.to}</td>
              <td class="num">${l.taskCount}</td><td class="hide-sm small">${l.reason}</td></tr>`)}</tbody></table></div>`}`:i`<p class="empty">This controller does not start scanners itself (start it with <code>--local-scanners-max N</code> to let it scale them).</p>`)}`}var Ns=[["name",e=>e.name],["action",e=>e.action],["disabled",e=>!!e.disabled],["mode",e=>e.mode],["criteria",e=>qt(e.criteria)],["comment",e=>e.comment]],Ts=[["at",e=>e.d.at],["kind",e=>e.d.kind],["namespace",e=>e.d.namespace],["name",e=>e.d.name],["operation",e=>e.d.operation],["user",e=>e.d.user],["result",e=>e.d.result],["image",e=>e.im?.image],["digest",e=>e.im?.digest],["verdict",e=>e.im?.verdict?.action],["rule",e=>e.im?.verdict?.rule],["reason",e=>e.im?.verdict?.reason]];async function Ze(e){try{return{value:await x(e)}}catch(t){if(t instanceof X&&t.status===404)return{absent:!0};throw t}}function qt(e){return!e||typeof e!="object"?"":Object.entries(e).filter(([,t])=>t!=null&&t!==""&&t!==!1&&!(Array.isArray(t)&&t.length===0)).map(([t,s])=>{let a=t.replace(/_/g," ");return s===!0?a:Array.isArray(s)?a+": "+s.join(", "):typeof s=="object"?a+": "+Object.entries(s).map(([r,n])=>r+"="+n).join(", "):a+": "+s}).join("; ")}function Is(e){return e==="denied"?"result deny":e==="would_deny"?"result warn-result":"result allow"}function Wt(){return i`<div class="page-head"><h1>Admission</h1></div>
    <p class="empty" data-testid="no-admission">This controller does not serve Kubernetes admission reviews: it is the
      <code>scanfleet</code> binary, which answers <code>/admission</code> with 501. Run <code>scanfleet-controller controller</code>
      (the same controller with the Kubernetes integration) to judge workloads with admission rules.</p>`}function Gt(){let e=L(()=>Ze("/api/v1/admission/settings"),[],0),t=L(()=>Ze("/api/v1/admission/rules"),[],0),s=L(()=>Ze("/api/v1/admission/decisions?limit=50"),[],5e3),a=t.data?.absent&&s.data?.absent,r=t.data?.value||[],n=s.data?.value||[],o=e.data?.value;return i`
    <div class="page-head"><h1>Admission</h1></div>
    ${a&&i`<p class="empty">Admission control is not available on this controller. When it is, its rules and the latest
      allow/deny decisions for Kubernetes workloads appear here.</p>`}
    ${!a&&i`
      ${o&&i`<p>Mode <strong>${o.mode}</strong> (${o.mode==="protect"?"deny rules refuse workloads":"deny rules only warn and record"});
        images without a scan result: <strong>${o.no_result}</strong>.</p>`}
      <div class="list-tools"><h2>Rules</h2>${r.length>0&&i`<${E} name="admission-rules" columns=${Ns} rows=${()=>r} />`}</div>
      <${C} error=${t.error} />
      ${!t.data&&!t.error&&i`<${P} />`}
      ${t.data&&(r.length===0?i`<p class="empty">No admission rules: every image is allowed${o&&o.no_result==="deny"?", except those without a scan result":""}.</p>`:i`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Admission rules, in the order they are evaluated</caption>
          <thead><tr><th scope="col">Rule</th><th scope="col">Action</th><th scope="col">Matches</th><th scope="col" class="hide-sm">Mode</th></tr></thead>
          <tbody>${r.map(l=>i`<tr key=${l.name} class=${l.disabled?"disabled":""}>
              <th scope="row">${l.name}${l.disabled&&i` <span class="muted small">(disabled)</span>`}
                ${l.comment&&i`<div class="small muted">${l.comment}</div>`}</th>
              <td><span class=${l.action==="deny"?"result deny":"result allow"}>${l.action}</span></td>
              <td class="small">${qt(l.criteria)}</td>
              <td class="hide-sm">${l.mode||(o?o.mode+" (global)":"global")}</td>
            </tr>`)}</tbody></table></div>`)}
      <div class="list-tools"><h2>Recent decisions</h2>${n.length>0&&i`<${E} name="admission-decisions" columns=${Ts}
          rows=${async()=>(await x("/api/v1/admission/decisions?limit=1000")).flatMap(d=>(d.images||[]).length?d.images.map(h=>({d,im:h})):[{d}])} />`}</div>
      <${C} error=${s.error} />
      ${!s.data&&!s.error&&i`<${P} />`}
      ${s.data&&(n.length===0?i`<p class="empty">No decisions yet.</p>`:i`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Recent admission decisions, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Workload</th><th scope="col">Result</th><th scope="col">Images</th><th scope="col" class="hide-sm">Message</th></tr></thead>
          <tbody>${n.map(l=>i`<tr key=${l.id}>
              <td title=${U(l.at)}>${M(l.at)}</td>
              <th scope="row">${l.kind} ${l.namespace}/${l.name}<div class="small muted">${l.operation} by ${l.user}${l.dry_run?" (dry run)":""}</div></th>
              <td><span class=${Is(l.result)}>${(l.result||"").replace("_"," ")}</span></td>
              <td class="small">${(l.images||[]).map(d=>i`<div class="break"><span class="mono">${d.image}</span>: ${d.verdict?.action||"?"}${d.verdict?.rule?" by "+d.verdict.rule:""}
                  ${d.verdict?.reason&&i`<span class="muted"> — ${d.verdict.reason}</span>`}</div>`)}</td>
              <td class="hide-sm small">${l.message}</td>
            </tr>`)}</tbody></table></div>`)}`}`}var de=e=>Object.values(e||{}).reduce((t,s)=>t+s,0),Ps=[["registry",e=>e.registry],["repository",e=>e.repository],["tag",e=>e.tag],["digest",e=>e.digest],["not_covered",e=>e.not_covered],["packages",e=>e.packages]],As=[["id",e=>e.id],["severity",e=>e.severity],["images",e=>e.images],["packages",e=>e.packages]],Rs=[["day",e=>e.day],["images",e=>e.images],["not_covered",e=>e.not_covered],["scans",e=>e.scans],...R.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>de(e.fixable)]];function Kt(){let{data:e,error:t}=L(()=>x("/api/v1/console/overview"),[],15e3);if(t&&!e)return i`<div class="page-head"><h1>Overview</h1></div><${C} error=${t} />`;if(!e)return i`<div class="page-head"><h1>Overview</h1></div><${P} />`;let s=de(e.severities),a=de(e.fixable),r=e.days.map(o=>({time:o.day+"T12:00:00Z",scans:o.scans,not_covered:o.not_covered,...Object.fromEntries(R.map(l=>[l,(o.severities||{})[l]||0]))})),n=o=>new Date(o).toLocaleDateString([],{month:"short",day:"numeric"});return i`
    <div class="page-head"><h1>Overview</h1></div>
    <${C} error=${t} />
    <ul class="tiles" aria-label="Fleet totals">
      <li class="tile"><a href="#/images"><span class="n">${e.images}</span></a><span class="l">images scanned</span></li>
      <li class="tile"><a href="#/hosts"><span class="n">${e.hosts}</span></a><span class="l">hosts scanned</span></li>
      <li class="tile"><span class="n">${s}</span><span class="l">findings, ${a} with a fix</span></li>
      <li class=${"tile"+(e.not_covered?" alert":"")}><a href=${T(["images"],{coverage:"not_covered"})}><span class="n" data-testid="not-covered">${e.not_covered}</span></a>
        <span class="l">images not covered by the database: their counts are incomplete</span></li>
      ${e.coverage_unknown>0&&i`<li class="tile"><a href=${T(["images"],{coverage:"unknown"})}><span class="n">${e.coverage_unknown}</span></a><span class="l">images whose coverage is unknown</span></li>`}
    </ul>
    <div class="two-col">
      <${G} counts=${e.severities} fixable=${e.fixable} title="Findings in all images by severity" />
      <${Ot} days=${e.days} valueKey="scans" title="Scans per day" />
    </div>
    <${xe} samples=${r} title="Findings by severity, per day" timeFmt=${n}
      series=${R.filter(o=>r.some(l=>l[o]>0)).map(o=>({key:o,label:o.toLowerCase(),color:le(o)}))} />
    ${r.length<2&&i`<p class="hint">Trends start with the day this controller first recorded its totals; come back tomorrow.</p>`}

    <div class="list-tools"><h2>Most widespread fixable findings</h2>
      <${E} name="fixable-findings" columns=${As} rows=${()=>e.top_fixable} /></div>
    ${e.top_fixable.length===0?i`<p class="empty">No finding with a fixed version.</p>`:i`<div class="table-wrap"><table class="data top-fixable">
      <caption class="sr-only">Vulnerabilities with a fix, by how many images carry them</caption>
      <thead><tr><th scope="col">Vulnerability</th><th scope="col">Severity</th><th scope="col" class="num">Images</th><th scope="col">Packages</th></tr></thead>
      <tbody>${e.top_fixable.map(o=>i`<tr key=${o.id}><th scope="row"><a href=${T(["vulnerabilities",o.id])}>${o.id}</a></th>
          <td><span class=${B(o.severity)}>${o.severity}</span></td><td class="num">${o.images}</td><td>${o.packages.join(", ")}</td></tr>`)}</tbody></table></div>`}

    <div class="list-tools"><h2>Images not covered by the database</h2>
      <${E} name="not-covered-images" columns=${Ps} rows=${()=>e.uncovered} /></div>
    ${e.uncovered.length===0?i`<p class="empty">The database covers every scanned image's OS and ecosystems.</p>`:i`<div class="table-wrap"><table class="data uncovered">
      <caption class="sr-only">Images whose OS release or ecosystems the database has no data for</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">No data for</th><th scope="col" class="num">Packages</th></tr></thead>
      <tbody>${e.uncovered.map(o=>i`<tr key=${o.registry+o.repository+o.digest}><th scope="row"><a href=${T(["image",o.digest])}>${o.repository}:${o.tag}</a>
          <div class="small muted mono">${o.registry} · ${D(o.digest)}</div></th>
          <td><span class="nc-badge">${o.not_covered.join(", ")}</span></td><td class="num">${o.packages}</td></tr>`)}</tbody></table></div>`}
    <div class="list-tools"><h2>Daily totals</h2><${E} name="daily-totals" columns=${Rs} rows=${()=>e.days} /></div>
    <div class="table-wrap"><table class="data days">
      <caption class="sr-only">Totals per day, newest first</caption>
      <thead><tr><th scope="col">Day</th><th scope="col" class="num">Scans</th><th scope="col" class="num">Images</th>
        <th scope="col" class="num">Not covered</th><th scope="col" class="num">Findings</th><th scope="col" class="num hide-sm">With a fix</th></tr></thead>
      <tbody>${[...e.days].reverse().map(o=>i`<tr key=${o.day}><th scope="row">${o.day}</th><td class="num">${o.scans}</td><td class="num">${o.images}</td>
          <td class="num">${o.not_covered}</td><td class="num">${de(o.severities)}</td><td class="num hide-sm">${de(o.fixable)}</td></tr>`)}</tbody></table></div>`}var Ds=[["name",e=>e.name],["hostname",e=>e.hostname],["os",e=>e.os],["kernel",e=>e.kernel],["root",e=>e.root],["coverage",e=>e.coverage],["not_covered",e=>e.not_covered||[]],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...R.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["scanned_by",e=>e.scanned_by],["scanned_at",e=>e.scanned_at]];function zt(){let{data:e,error:t}=L(()=>x("/api/v1/console/hosts"),[],15e3);return i`
    <div class="page-head"><h1>Hosts</h1></div>
    <${C} error=${t} />
    ${!e&&!t&&i`<${P} />`}
    ${e&&(e.length===0?i`<p class="empty">No host has sent a scan yet. Run <code>scanfleet host --controller URL</code> on a machine (or in a container with <code>--root /proc/1/root</code>).</p>`:i`
      <div class="list-tools"><p role="status"><strong>${e.length}</strong> host${e.length===1?"":"s"}${e.some(s=>s.coverage==="not_covered")?i`, <strong>${e.filter(s=>s.coverage==="not_covered").length}</strong> not covered`:""}</p><${E} name="hosts" columns=${Ds} rows=${()=>e} /></div>
      <div class="table-wrap"><table class="data hosts">
        <caption class="sr-only">Scanned hosts</caption>
        <thead><tr><th scope="col">Host</th><th scope="col" class="hide-sm">OS · kernel</th><th scope="col">Findings by severity</th>
          <th scope="col" class="num hide-sm">Packages</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
        <tbody>${e.map(s=>i`<tr key=${s.name}>
            <th scope="row"><a href=${T(["host",s.name])}>${s.name}</a>
              ${s.hostname!==s.name&&i`<div class="small muted">${s.hostname}</div>`}
              <div class="small muted mono">${s.root}</div></th>
            <td class="hide-sm">${s.os||i`<span class="muted">unknown</span>`}${s.kernel&&i`<div class="small muted">kernel ${s.kernel}</div>`}</td>
            <td><${qe} sev=${s.severities} coverage=${s.coverage} notCovered=${s.not_covered} /></td>
            <td class="num hide-sm">${s.packages}</td>
            <td class="hide-sm" title=${s.scanned_at}>${M(s.scanned_at)}<div class="small muted">${s.scanned_by}</div></td>
          </tr>`)}</tbody>
      </table></div>`)}`}var Ms=[["findings","Findings"],["packages","Packages"]];function Yt({name:e}){let{data:t,error:s}=L(()=>x("/api/v1/hosts/"+encodeURIComponent(e)),[e]),[a,r]=k("findings"),n=i`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/hosts">Hosts</a> ›</nav>`;if(s)return i`${n}<h1 class="break">${e}</h1><${C} error=${s} />`;if(!t)return i`${n}<h1 class="break">${e}</h1><${P} />`;let o=t.host||{},l=t.os?t.os.pretty_name||t.os.id+" "+(t.os.version_id||""):"unknown",d=(t.coverage||[]).filter(f=>!f.covered),h={},u={};for(let f of t.vulnerabilities||[]){let c=(f.severity||"UNKNOWN").toUpperCase();h[c]=(h[c]||0)+1,f.fixed_version&&(u[c]=(u[c]||0)+1)}let p=e.replace(/[^A-Za-z0-9._-]+/g,"_");return i`
    ${n}
    <h1 class="break">${e}</h1>
    <dl class="facts">
      <div><dt>Hostname</dt><dd>${o.hostname||"unknown"}</dd></div>
      <div><dt>OS</dt><dd>${l}</dd></div>
      ${o.kernel&&i`<div><dt>Kernel</dt><dd>${o.kernel}</dd></div>`}
      <div><dt>Root</dt><dd class="mono small">${o.root}</dd></div>
      <div><dt>Scanned</dt><dd>${U(t.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(t.packages||[]).length}</dd></div>
      ${t.db&&i`<div><dt>Database</dt><dd><span class="mono small">${D(t.db.digest)}</span></dd></div>`}
    </dl>
    ${d.length>0&&i`<p class="warn" role="note">Not covered by the database: ${d.map(f=>f.ecosystem+" ("+f.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    ${!t.coverage&&(t.packages||[]).length>0&&i`<p class="note"><${we} coverage="unknown" /></p>`}
    <div class="downloads"><button type="button" class="small" onClick=${()=>Be(p+".json",JSON.stringify(t,null,2),"application/json")}>Download report (JSON)</button></div>
    <${G} counts=${h} fixable=${u} />
    <div class="tabs" role="tablist" aria-label="Report sections">
      ${Ms.map(([f,c])=>i`<button type="button" role="tab" id=${"tab-"+f} aria-controls=${"panel-"+f}
          aria-selected=${a===f?"true":"false"} tabindex=${a===f?0:-1} onClick=${()=>r(f)}>${c}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+a} aria-labelledby=${"tab-"+a} class="panel">
      ${a==="findings"&&i`<${Ye} rep=${t} name=${p} />`}
      ${a==="packages"&&i`<${Je} rep=${t} name=${p} />`}
    </section>`}var Os=[{key:"overview",label:"Overview"},{key:"registries",label:"Registries"},{key:"images",label:"Images"},{key:"hosts",label:"Hosts"},{key:"vulnerabilities",label:"Vulnerabilities"},{key:"scanners",label:"Scanners"},{key:"admission",label:"Admission",needs:"admission_webhook"}];function Us(){let[e,t]=k(Ve());return F(()=>{let s=()=>t(Ve());return addEventListener("hashchange",s),()=>removeEventListener("hashchange",s)},[]),e}function js({onLogin:e}){let[t,s]=k(""),[a,r]=k(""),[n,o]=k(!1);async function l(d){d.preventDefault(),o(!0),r("");let h=t.trim();try{let u=await x("/api/v1/whoami",{token:h});e(u),ye(h)}catch(u){r(u.status===401?"This token is not valid.":u.message),o(!1)}}return i`<main id="main" class="login">
    <form class="card login-card" onSubmit=${l} aria-labelledby="login-title">
      <h1 id="login-title"><img src="/console/favicon.svg" alt="" width="28" height="28" /> Scanfleet</h1>
      <p>Log in with an API token (<code>scanfleet controller token create --role admin|reader</code>).</p>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required
        value=${t} onInput=${d=>s(d.currentTarget.value)} autofocus />
      ${a&&i`<p class="error" role="alert">${a}</p>`}
      <button type="submit" class="primary" disabled=${n}>${n?"Checking\u2026":"Log in"}</button>
    </form>
  </main>`}function Fs({role:e,who:t,route:s,onLogout:a}){let r=s.parts[0]||"images",n=Q(null),o=Q(!0);F(()=>{if(o.current){o.current=!1;return}n.current&&n.current.focus()},[r,s.parts[1]]);let l;switch(r){case"registries":l=i`<${Rt} role=${e} />`;break;case"image":l=i`<${Ft} key=${s.parts[1]} digest=${s.parts[1]} query=${s.query} />`;break;case"vulnerabilities":l=i`<${Bt} id=${s.parts[1]} query=${s.query} />`;break;case"scanners":l=i`<${Ht} role=${e} />`;break;case"admission":l=t&&!t.admission_webhook?i`<${Wt} />`:i`<${Gt} />`;break;case"overview":l=i`<${Kt} />`;break;case"hosts":l=i`<${zt} />`;break;case"host":l=i`<${Yt} key=${s.parts[1]} name=${s.parts[1]} />`;break;case"images":l=i`<${Ut} query=${s.query} />`;break;default:l=i`<h1>Not found</h1><p>No page “${r}”. <a href="#/images">Go to images</a>.</p>`}let d=r==="image"?"images":r==="host"?"hosts":r,h=Os.filter(u=>!u.needs||t&&t[u.needs]);return i`
    <a class="skip" href="#main" onClick=${u=>{u.preventDefault(),n.current.focus()}}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/images"><img src="/console/favicon.svg" alt="" width="24" height="24" /> Scanfleet</a>
      <nav aria-label="Main">
        <ul>
          ${h.map(u=>i`<li><a href=${T([u.key])} aria-current=${d===u.key?"page":void 0}>${u.label}</a></li>`)}
        </ul>
      </nav>
      <div class="who">
        <span class="role" title="Role of your token">${e}</span>
        <button type="button" class="link" onClick=${a}>Log out</button>
      </div>
    </header>
    <main id="main" tabindex="-1" ref=${n}>${l}</main>`}function Vs(){let e=Us(),[t,s]=k(St()),[a,r]=k(null),n=a?a.role:"";return F(()=>Ct(o=>s(o)),[]),F(()=>{!t||a||x("/api/v1/whoami").then(o=>r(o)).catch(()=>{})},[t]),F(()=>{document.title="Scanfleet \xB7 "+(t?e.parts[0]||"images":"log in")},[t,e.parts[0]]),t?i`<${Fs} role=${n} who=${a} route=${e} onLogout=${()=>{r(null),ye("")}} />`:i`<${js} onLogin=${o=>r(o)} />`}ut(i`<${Vs} />`,document.getElementById("app"));
