var S,tt,Jt,q,Se,he,st,me,at,Le,Ce,Zt,te=Symbol.for("pv"),ge={},$e=[],Qt=/^m(i|n|o|s|text|space)$/,Ee=Array.isArray,Ie=$e.slice,J=Object.assign;function Y(e){e&&e.parentNode&&e.remove()}function nt(e,t,s){var a,r,n,o={},l=arguments.length;for(n in t)n=="key"?a=t[n]:n=="ref"&&typeof e!="function"?r=t[n]:o[n]=t[n];return l>2&&(o.children=l>3?Ie.call(arguments,2):s),ee(e,o,a,r,null)}function ee(e,t,s,a,r){var n={type:e,props:t,key:s,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:te,__v:r||++tt,__i:-1,__u:0};return!r&&S.vnode&&S.vnode(n),n}function ve(e){return e.children}function fe(e,t){this.props=e,this.context=t,this.__g=0}function W(e,t){if(t==null)return e.__&&W(e.__,e.__i+1);for(var s;t<e.__k.length;t++)if((s=e.__k[t])&&s.__e)return s.__e;return typeof e.type!="function"||e.props.__P?null:W(e)}function Xt(e){var t,s=e.__v,a=s.__e,r=[],n=[],o=e.__P;o&&((t=J({constructor:te},s)).__v=s.__v+1,S.vnode&&S.vnode(t),Ne(o,t,s,e.__n,o.namespaceURI,32&s.__u?[a]:null,r,a||W(s),32&s.__u,n),t.__v=s.__v,t.__.__k[t.__i]=t,dt(r,t,n),s.__=s.__e=null,t.__e!=a&&ot(t))}function ot(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),ot(e)}function Xe(e){(8&e.__g||(e.__g|=8,q.push(e),he++))&&Se==S.debounceRendering||((Se=S.debounceRendering)||queueMicrotask)(rt)}function rt(){try{for(var e,t=1;q.length;)q.length>t&&q.sort(st),e=q.shift(),t=q.length,8&e.__g&&Xt(e)}finally{(he=q.length)&&(Se||queueMicrotask)(rt)}}function it(e,t,s,a,r,n,o,l,u,_,c){var p,m,d,h,$,b,g=a.__k||$e,v=t.length;for(u=es(s,t,g,u,v),p=0;p<v;p++)(d=s.__k[p])!=null&&(m=~d.__i&&g[d.__i]||ge,d.__i=p,b=Ne(e,d,m,r,n,o,l,u,_,c),h=d.__e,(m.ref!=d.ref||8&m.__u)&&(m.ref&&Pe(m.ref,null,d,m),d.ref&&c.push(d.ref,d.__c||h,d)),$=$||h,4&d.__u?(u=lt(d,u,e,!m.__v),m.__e&&(m.__e=null)):typeof d.type=="function"&&b!==void 0?u=b:h&&(u=h.nextSibling),d.__u&=-21);return s.__e=$,u}function es(e,t,s,a,r){var n,o,l,u,_,c,p,m,d,h=s.length,$=h,b=0,g=0,v=e.__k=Array(r);for(n=0;n<r;n++)(o=t[n])!=null&&typeof o!="boolean"&&typeof o!="function"?(typeof o!="object"||o.constructor===String?o=v[n]=ee(null,o):Ee(o)?o=v[n]=ee(ve,{children:o}):o.constructor===te&&o.__b?o=v[n]=ee(o.type,o.props,o.key,o.ref,o.__v):v[n]=o,u=n+b,o.__=e,o.__b=e.__b+1,l=null,~(_=o.__i=ts(o,s,u,$))&&($--,(l=s[_])&&(l.__u|=2)),l&&l.__v?(o.__u|=16,_==u-1?b--:_==u+1?b++:_!=u&&(_>u?b--:b++,g=1)):(~_||(r>h?b--:r<h&&b++),typeof o.type!="function"&&(o.__u|=4))):v[n]=null;if(g){for(c=[],p=[],n=0;n<r;n++)if((o=v[n])&&16&o.__u){for(b=0,m=c.length;b<m;)c[d=b+m>>1]<o.__i?b=d+1:m=d;c[b]=o.__i,p[n]=b+1}for(b=c.length;n--;)p[n]&&(p[n]==b?b--:v[n].__u|=4)}if($)for(n=0;n<h;n++)!(l=s[n])||2&l.__u||(l.__e==a&&(a=W(l)),Te(l,l));return a}function lt(e,t,s,a){var r,n,o,l;if(typeof e.type=="function"){if(e.props.__P)return t;if(r=e.__k)for(n=0;n<r.length;n++)r[n]&&(r[n].__=e,t=lt(r[n],t,s,!1));return t}for(t&&!t.parentNode&&(t=W(e))&&!t.parentNode&&(t=null),o=e.__e,l=t;l&&l.nodeType==8;)l=l.nextSibling;for(o!=l&&(!a&&s.moveBefore&&o.parentNode?s.moveBefore(o,t):s.insertBefore(o,t||null)),t=o;(t=t&&t.nextSibling)&&t.nodeType==8&&!t.data.startsWith("$s"););return t}function ts(e,t,s,a){var r,n=e.key,o=e.type,l=t[s],u=l&&!(2&l.__u);if(l===null&&n==null||u&&n==l.key&&o==l.type)return s;if(a>(u?1:0)){for(r=s-1;r>=0;r--)if((l=t[r])&&!(2&l.__u)&&n==l.key&&o==l.type)return r;for(r=s+1;r<t.length;r++)if((l=t[r])&&!(2&l.__u)&&n==l.key&&o==l.type)return r}return-1}function et(e,t,s){s==null&&(s=""),t[0]=="-"?e.setProperty(t,s):e[t]=s}function pe(e,t,s,a,r){var n,o;if(t=="style")if(typeof s=="string")e.style.cssText=s;else{if(typeof a=="string"&&(e.style.cssText=a=""),a)for(t in a)s&&t in s||et(e.style,t);if(s)for(t in s)a&&s[t]==a[t]||et(e.style,t,s[t])}else if(t[0]=="o"&&t[1]=="n")typeof s!="function"&&(s=null),typeof a!="function"&&(a=null),(e.__e||(e.__e={}))[t]=s,s&&a||(o=Ce[t]||(Ce[t]=ss(t)),(e.__a||(e.__a={}))[t]=Le,n=t!=(t=t.replace(at,"$1")),(t=t.slice(2))[0]<"a"&&(t=t.toLowerCase()),s?e.addEventListener(t,o,n):e.removeEventListener(t,o,n));else{if(r=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{return void(e[t]=s??"")}catch{}if(typeof s=="function")return;s==null||s===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&s==1?"":s)}}function ss(e){return function(t){var s=this.__e;if(s){if(s=s[e],t[me]==null)t[me]=Le++;else if(t[me]<this.__a[e])return;return s(S.event?S.event(t):t)}}}function Ne(e,t,s,a,r,n,o,l,u,_){var c,p,m,d,h,$,b,g,v,f,y,w,R,ue,K,Qe,B,z,j=t.type;if(t.constructor!==te)return null;128&s.__u&&(u=32&s.__u,c=s.__c.__z)&&(t.__u|=u,p=n=[],c.nodeType==8?l=_e(c,n):n.push(c),l=n[0]||l),(c=S.__b)&&c(t);e:if(typeof j=="function"){m=o.length;try{if(g=t.props,v=(c=j.prototype)&&c.render,f=(c=j.contextType)&&a[c.__c],y=c?f?f.props.value:c.__:a,(d=s.__c)?(t.__c=d,2&d.__g&&(d.__g|=1)):(v?t.__c=d=new j(g,y):(t.__c=d=new fe(g,y),d.constructor=j,d.render=ns),f&&f.sub(d),d.state||(d.state={}),d.__n=a,d.__g|=8,d.__h=[],d.__k=[]),v&&(d.__s||(d.__s=d.state),j.getDerivedStateFromProps&&(d.__s==d.state&&(d.__s=J({},d.__s)),J(d.__s,j.getDerivedStateFromProps(g,d.__s)))),h=d.props,$=d.state,d.__v=t,s.__c){if(g!==h&&v&&!j.getDerivedStateFromProps&&d.componentWillReceiveProps&&d.componentWillReceiveProps(g,y),t.__v==s.__v&&!(8&d.__g)||!(4&d.__g)&&d.shouldComponentUpdate&&d.shouldComponentUpdate(g,d.__s,y)===!1){t.__v!=s.__v&&(d.props=g,d.state=d.__s,d.__g&=-9),t.__e=s.__e,t.__k=s.__k,t.__k.some(function(O){O&&(O.__=t)}),$e.push.apply(d.__h,d.__k),d.__k=[],d.__h.length&&o.push(d),l=W(s);break e}d.componentWillUpdate&&d.componentWillUpdate(g,d.__s,y),v&&d.componentDidUpdate&&d.__h.push(function(){d.componentDidUpdate(h,$,b)})}else v&&!j.getDerivedStateFromProps&&d.componentWillMount&&d.componentWillMount(),v&&d.componentDidMount&&d.__h.push(d.componentDidMount);d.context=y,d.props=g,d.__P=e,d.__g&=-5,w=S.__r,R=v?25:0;do d.__g&=-9,w&&w(t),c=d.render(d.props,d.state=d.__s,d.context);while(8&d.__g&&++R<25);v&&($e.push.apply(d.__h,d.__k),d.__k=[]),d.state=d.__s,d.getChildContext&&(a=J({},a,d.getChildContext())),v&&s.__c&&d.getSnapshotBeforeUpdate&&(b=d.getSnapshotBeforeUpdate(h,$)),ue=c&&c.type===ve&&c.key==null?c.props.children:c,g.__P&&(c=l,r=(e=g.__P).namespaceURI,u=n=null,s.props&&s.props.__P!=e&&(s.__k.some(function(O){O&&Te(O,O)}),s.__k=null),l=s.__k?W(s,0):null),l=it(e,Ee(ue)?ue:[ue],t,s,a,r,n,o,l,u,_),g.__P&&(t.__e=null,l=c),t.__u&=-161,p&&p.some(Y),d.__h.length&&o.push(d),1&d.__g&&(d.__g&=-4)}catch(O){if(o.length=m,t.__v=null,u||n)if(O&&O.then){if(t.__u|=128|u,n){for(~(B=n.indexOf(l||void 0))||(B=n.length);(z=n[B-1])&&z.nodeType==8;)B--;for(;B<n.length;B++)if(z=n[B])if(n[B]=null,K){if(z==Qe)break}else{if(z.nodeType!=8)break;z.data.startsWith("$s")&&(Qe=_e(K=z))}}if(!K){for(;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;K=l}(c=_e(K=t.__c.__z||(t.__c.__z=K)))?(t.__e=K,l=c):t.__e=l,l=l&&l.nextSibling}else n&&n.some(Y);else t.__e=s.__e;t.__k||(t.__k=s.__k||[]),O&&O.then||ct(t),S.__e(O,t,s)}}else l=t.__e=as(s.__e,t,s,a,r,n,o,u,_,e);return(c=S.diffed)&&c(t),l}function _e(e,t){if(e&&e.nodeType==8&&e.data.startsWith("$s"))for(var s=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith("$s"))s++;else if(e.data.startsWith("/$s")&&!--s)return e}t&&t.push(e)}}function ct(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(ct))}function dt(e,t,s){for(var a=0;a<s.length;)Pe(s[a++],s[a++],s[a++]);S.__c&&S.__c(t,e),e.some(function(r){try{e=r.__h,r.__h=[],e.some(function(n){n.call(r)})}catch(n){S.__e(n,r.__v)}})}function as(e,t,s,a,r,n,o,l,u,_){var c,p,m,d,h,$,b,g,v=s.props||ge,f=t.props,y=t.type;if(y=="svg"?r="http://www.w3.org/2000/svg":y=="math"?r="http://www.w3.org/1998/Math/MathML":r||(r="http://www.w3.org/1999/xhtml"),n){for(c=0;c<n.length;c++)if((h=n[c])&&(y?h.localName==y:h.nodeType==3)){e=h,n[c]=null;break}}if(!e){if(g=_.ownerDocument||document,!y)return g.createTextNode(f);e=g.createElementNS(r,y,f.is?f:_),l&&(S.__m&&S.__m(t,n),l=!1),n=null}if(y){if(_=y=="template"&&e.content||e,n=y=="textarea"&&f.defaultValue!=null?null:n&&Ie.call(_.childNodes),!l&&n)for(v={},c=0;c<e.attributes.length;c++)v[(h=e.attributes[c]).name]=h.value;for(c in v)h=v[c],c=="dangerouslySetInnerHTML"?m=h:c=="children"||c in f||c=="value"&&"defaultValue"in f||c=="checked"&&"defaultChecked"in f||pe(e,c,null,h,r);for(c in f)h=f[c],c=="children"?d=h:c=="dangerouslySetInnerHTML"?p=h:c=="value"?$=h:c=="checked"?b=h:l&&typeof h!="function"||v[c]===h||pe(e,c,h,v[c],r);p?(l||m&&(p.__html==m.__html||p.__html==e.innerHTML)||(e.innerHTML=p.__html),t.__k=[]):(m&&(e.textContent=""),(y=="foreignObject"||r=="http://www.w3.org/1998/Math/MathML"&&Qt.test(y))&&(r="http://www.w3.org/1999/xhtml"),it(_,Ee(d)?d:[d],t,s,a,r,n,o,n?n[0]:s.__k&&W(s,0),l,u),n&&n.some(Y)),l&&y!="textarea"||(c="value",y=="progress"&&$==null?e.removeAttribute(c):$==null||$===e[c]&&(y!="progress"||$)||pe(e,c,$,v[c],r),c="checked",b!=null&&b!=e[c]&&pe(e,c,b,v[c],r))}else v===f||l&&e.data==f||(e.data=f);return e}function Pe(e,t,s,a){try{typeof e=="function"?t?t.__x=e(t)||1:a&&(a=a.__c||a.__e)&&(t=a.__x)&&(a.__x=null,typeof t=="function"?t():e(null)):e.current=t}catch(r){S.__e(r,s)}}function Te(e,t,s){var a,r,n,o;if(S.unmount&&S.unmount(e),!(a=e.ref)||a.current&&a.current!=e.__e||Pe(a,null,t,e),a=e.__c){if(a.componentWillUnmount)try{a.componentWillUnmount()}catch(l){S.__e(l,t)}a.__P=a.__n=null}if(a=e.__k)for(o=0;o<a.length;o++)a[o]&&Te(a[o],t,typeof e.type!="function"||s&&!e.props.__P);!s&&(a=e.__c)&&(a=a.__z)&&(r=_e(a,n=[]))&&(a==e.__e&&n.some(Y),Y(r),Y(a)),s||Y(e.__e),e.__e=e.__c=e.__=null}function ns(e,t,s){return this.constructor(e,s)}function ut(e,t){var s,a,r,n;S.__&&S.__(e,t),t.nodeType==9&&(t=t.documentElement),a=(s=e&&32&e.__u)?null:t.__k,t.__k=ee(ve,{children:[e]}),r=[],n=[],Ne(t,t.__k,a||ge,ge,t.namespaceURI,a?null:t.firstChild?Ie.call(t.childNodes):null,r,a?a.__e:t.firstChild,s,n),dt(r,t.__k,n),t.__k.props.children=null}S={__e:function(e,t,s,a){for(var r,n,o;t=t.__;)if((r=t.__c)&&!(1&r.__g)){r.__g|=4;try{if((o=(n=r.constructor)&&n.getDerivedStateFromError)&&r.setState(n.getDerivedStateFromError(e)),r.componentDidCatch&&(r.componentDidCatch(e,a||{}),o=1),o&&8&r.__g)return void(r.__g|=2)}catch(l){e=l}}throw he=0,e}},tt=0,Jt=function(e){return e!=null&&e.constructor===te},fe.prototype.setState=function(e,t){var s=this.__s;s&&s!=this.state||(s=this.__s=J({},this.state)),typeof e=="function"&&(e=e(J({},s),this.props)),e&&(J(s,e),this.__v&&(t&&this.__k.push(t),Xe(this)))},fe.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),Xe(this))},fe.prototype.render=ve,q=[],he=0,st=function(e,t){return e.__v.__b-t.__v.__b},me=Symbol(),at=/(PointerCapture)$|Capture$/i,Le=0,Ce={},Zt=0;var ae,P,Re,pt,Ae=Object.is,ne=0,bt=[],De=[],I=S,mt=I.__b,ft=I.__r,_t=I.diffed,ht=I.__c,gt=I.unmount,$t=I.__;function Oe(e,t){I.__h&&I.__h(P,e,ne||t),ne=0;var s=P.__H||(P.__H={__:[],__h:[]});return e>=s.__.length&&s.__.push({}),s.__[e]}function k(e){return ne=1,os(xt,e)}function os(e,t,s){var a=Oe(ae++,2);if(a.t=e,!a.__c&&(a.__=[s?s(t):xt(void 0,t),function(n){var o=(a.__N||a.__)[0],l=a.t(o,n);Ae(o,l)||(a.__N=[l,a.__[1]],a.__c.setState({}))}],a.__c=P,!P.__f)){P.__f=!0;var r=P.shouldComponentUpdate;P.shouldComponentUpdate=function(n,o,l){var u=this.__H;if(!u)return!0;var _=!1,c=this.props!=n;if(u.__.some(function(m){m.__N&&(_=!0,Ae(m.__[0],m.__N[0])||(c=!0))}),r){var p=r.call(this,n,o,l);return _?p||c:p}return!_||c}}return a.__}function F(e,t){var s=Oe(ae++,3);!I.__s&&wt(s.__H,t)&&(s.__P=!0,s.__=e,s.u=t,P.__H.__h.push(s))}function Q(e){return ne=5,oe(function(){return{current:e}},[])}function oe(e,t){var s=Oe(ae++,7);return wt(s.__H,t)&&(s.__=e(),s.__H=t),s.__}function kt(e,t){return ne=8,oe(function(){return e},t)}function rs(){var e;do{for(;e=De.shift();)try{se(e)}catch(s){I.__e(s,{__:(e=e.__P)&&e.__v})}for(;e=bt.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(se),t.__h.some(Me),t.__h=[]}catch(s){t.__h=[],I.__e(s,e.__v)}}}while(De.length)}I.__b=function(e){P=null,mt&&mt(e)},I.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),$t&&$t(e,t)},I.__r=function(e){ft&&ft(e),ae=0;var t=(P=e.__c).__H;t&&(Re==P?P.__h=[]:(t.__h.some(se),t.__h.some(Me),ae=0),t.__h=[],t.__.some(function(s){s.__N&&(s.__=s.__N),s.u=s.__N=void 0})),Re=P},I.diffed=function(e){_t&&_t(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&yt(bt.push(t)),t.__H.__.some(function(s){s.u&&(s.__H=s.u)})),Re=P=null},I.__c=function(e,t){t.some(function(s){try{s.__h.some(se),s.__h=s.__h.filter(function(a){return!a.__||Me(a)})}catch(a){s.__h=[function(){throw a}]}}),ht&&ht(e,t)},I.unmount=function(e){gt&&gt(e);var t,s,a=e.__c;a&&a.__H&&(a.__H.__.some(function(r){try{if(r.__P&&r.__c){if(s===void 0){for(s=e.__;s&&(!s.__c||!s.__c.__P);)s=s.__;s=s&&s.__c}r.__P=s,yt(De.push(r))}else se(r)}catch(n){t=n}}),a.__H=void 0,t&&I.__e(t,a.__v))};var vt=typeof requestAnimationFrame=="function";function is(e){var t,s=function(){clearTimeout(a),vt&&cancelAnimationFrame(t),setTimeout(e)},a=setTimeout(s,35);vt&&(t=requestAnimationFrame(s))}function yt(e){e!=1&&pt==I.requestAnimationFrame||((pt=I.requestAnimationFrame)||is)(rs)}function se(e){var t=P,s=e.__c;typeof s=="function"&&(e.__c=void 0,s()),P=t}function Me(e){var t=P;e.__c=e.__(),P=t}function wt(e,t){return!e||e.length!=t.length||t.some(function(s,a){return!Ae(s,e[a])})}function xt(e,t){return typeof t=="function"?t(e):t}var Ue="scanfleet.token",Fe=sessionStorage.getItem(Ue)||"",je=new Set;function St(){return Fe}function ye(e){Fe=e,e?sessionStorage.setItem(Ue,e):sessionStorage.removeItem(Ue);for(let t of je)t(e)}function Ct(e){return je.add(e),()=>je.delete(e)}var X=class extends Error{constructor(t,s){super(s),this.status=t}};async function x(e,{method:t="GET",body:s,raw:a=!1,token:r}={}){let n={Authorization:"Bearer "+(r??Fe)};s!==void 0&&(n["Content-Type"]="application/json");let o=await fetch(e,{method:t,headers:n,body:s===void 0?void 0:JSON.stringify(s)});if(o.status===401)throw r===void 0&&ye(""),new X(401,"The token was refused; log in again.");if(!o.ok){let l=o.statusText;try{l=(await o.json()).error||l}catch{}throw new X(o.status,l)}return a?o:o.status===204?null:o.json()}async function Lt(e,t){let s=await x(e,{raw:!0}),a=s.headers.get("Content-Disposition")||"",r=/filename="([^"]+)"/.exec(a),n=await s.blob(),o=URL.createObjectURL(n),l=document.createElement("a");l.href=o,l.download=r?r[1]:t,document.body.appendChild(l),l.click(),l.remove(),setTimeout(()=>URL.revokeObjectURL(o),1e4)}function V(e){let t=new URLSearchParams;for(let[a,r]of Object.entries(e))r!=null&&r!==""&&r!==!1&&t.set(a,String(r));let s=t.toString();return s?"?"+s:""}var It=function(e,t,s,a){var r;t[0]=0;for(var n=1;n<t.length;n++){var o=t[n++],l=t[n]?(t[0]|=o?1:2,s[t[n++]]):t[++n];o===3?a[0]=l:o===4?a[1]=Object.assign(a[1]||{},l):o===5?(a[1]=a[1]||{})[t[++n]]=l:o===6?a[1][t[++n]]+=l+"":o?(r=e.apply(l,It(e,l,s,["",null])),a.push(r),l[0]?t[0]|=2:(t[n-2]=0,t[n]=r)):a.push(l)}return a},Et=new Map;function Nt(e){var t=Et.get(this);return t||(t=new Map,Et.set(this,t)),(t=It(this,t.get(e)||(t.set(e,t=(function(s){for(var a,r,n=1,o="",l="",u=[0],_=function(m){n===1&&(m||(o=o.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?u.push(0,m,o):n===3&&(m||o)?(u.push(3,m,o),n=2):n===2&&o==="..."&&m?u.push(4,m,0):n===2&&o&&!m?u.push(5,0,!0,o):n>=5&&((o||!m&&n===5)&&(u.push(n,0,o,r),n=6),m&&(u.push(n,m,0,r),n=6)),o=""},c=0;c<s.length;c++){c&&(n===1&&_(),_(c));for(var p=0;p<s[c].length;p++)a=s[c][p],n===1?a==="<"?(_(),u=[u],n=3):o+=a:n===4?o==="--"&&a===">"?(n=1,o=""):o=a+o[0]:l?a===l?l="":o+=a:a==='"'||a==="'"?l=a:a===">"?(_(),n=1):n&&(a==="="?(n=5,r=o,o=""):a==="/"&&(n<5||s[c][p+1]===">")?(_(),n===3&&(u=u[0]),n=u,(u=u[0]).push(2,0,n),n=0):a===" "||a==="	"||a===`
`||a==="\r"?(_(),n=2):o+=a),n===3&&o==="!--"&&(n=4,u=u[0])}return _(),u})(e)),t),arguments,[])).length>1?t:t[0]}var i=Nt.bind(nt);function be(e){let[t,s]=k(e),a=Q(e);return F(()=>{a.current!==e&&(a.current=e,s(e))},[e]),[t,s]}var A=["CRITICAL","HIGH","MEDIUM","LOW","NEGLIGIBLE","UNKNOWN"];function Ve(){let e=location.hash.replace(/^#/,"")||"/images",[t,s=""]=e.split("?");return{parts:t.split("/").filter(Boolean).map(decodeURIComponent),query:Object.fromEntries(new URLSearchParams(s))}}function N(e,t={}){let s=new URLSearchParams;for(let[r,n]of Object.entries(t))n!=null&&n!==""&&n!==!1&&s.set(r,String(n));let a=s.toString();return"#/"+e.map(r=>encodeURIComponent(r).replace(/%3A/gi,":")).join("/")+(a?"?"+a:"")}function re(e,t){location.hash=N(e,t)}function L(e,t,s=0){let[a,r]=k({data:null,error:null,loading:!0}),n=Q(0),o=kt(async()=>{let l=++n.current;try{let u=await e();l===n.current&&r({data:u,error:null,loading:!1})}catch(u){l===n.current&&r(_=>({data:_.data,error:u,loading:!1}))}},t);return F(()=>{if(r(u=>({...u,loading:!0})),o(),!s)return;let l=setInterval(o,s);return()=>{clearInterval(l),n.current++}},[o]),{...a,reload:o}}function ie(){return typeof matchMedia=="function"&&matchMedia("(max-width: 600px)").matches}function D(e){if(!e)return"";let[t,s]=e.includes(":")?e.split(":"):["",e];return(t?t+":":"")+s.slice(0,12)}function U(e){if(!e)return"never";let t=new Date(e);return isNaN(t)||t.getFullYear()<2e3?"never":t.toLocaleString()}function M(e){if(!e)return"never";let t=new Date(e);if(isNaN(t)||t.getFullYear()<2e3)return"never";let s=Math.round((Date.now()-t.getTime())/1e3);return s<5?"just now":s<60?s+" s ago":s<3600?Math.round(s/60)+" min ago":s<86400?Math.round(s/3600)+" h ago":Math.round(s/86400)+" d ago"}function Tt(e){if(!e)return"0 B";let t=["B","KB","MB","GB","TB"],s=0;for(;e>=1e3&&s<t.length-1;)e/=1e3,s++;return(s?e.toFixed(1):e)+" "+t[s]}function H(e){return"sev sev-"+(e||"unknown").toLowerCase()}function C({error:e}){return e?i`<p class="error" role="alert">${e.message||String(e)}</p>`:null}function T({what:e="Loading"}){return i`<p class="muted" role="status">${e}…</p>`}function Pt(e){let t=e==null?"":Array.isArray(e)?e.join(" "):String(e);return/^[=+\-@\t\r]/.test(t)&&(t="'"+t),/[",\n\r]/.test(t)?'"'+t.replace(/"/g,'""')+'"':t}function ls(e,t){let s=[e.map(([a])=>Pt(a)).join(",")];for(let a of t)s.push(e.map(([,r])=>Pt(r(a))).join(","));return s.join(`\r
`)+`\r
`}function He(e,t,s="text/csv"){let a=URL.createObjectURL(new Blob([t],{type:s+";charset=utf-8"})),r=document.createElement("a");r.href=a,r.download=e,document.body.appendChild(r),r.click(),r.remove(),setTimeout(()=>URL.revokeObjectURL(a),1e4)}function E({name:e,columns:t,rows:s,label:a="Export CSV"}){let[r,n]=k(!1),[o,l]=k(null);async function u(){n(!0),l(null);try{He(e+".csv",ls(t,await s()))}catch(_){l(_)}n(!1)}return i`<span class="csv"><button type="button" class="small" onClick=${u} disabled=${r}
    aria-label=${a+" ("+e+".csv)"}>${r?"Exporting\u2026":a}</button>${o&&i` <span class="error" role="alert">${o.message}</span>`}</span>`}function ke({offset:e,size:t,total:s,onGo:a,label:r="Pages"}){return s<=t&&e===0?null:i`<nav class="pager" aria-label=${r}>
    <button type="button" disabled=${e===0} onClick=${()=>a(Math.max(0,e-t))}>Previous</button>
    <span>${e+1}–${Math.min(s,e+t)} of ${s}</span>
    <button type="button" disabled=${e+t>=s} onClick=${()=>a(e+t)}>Next</button>
  </nav>`}function we({coverage:e,notCovered:t=[]}){return e==="not_covered"?i`<span class="nc-badge" title=${"The database has no data for "+t.join(", ")+": findings there are unknown, not absent"}>
      Not covered: ${t.join(", ")}</span>`:e==="unknown"?i`<span class="nc-badge unknown" title="The report does not say whether the database covered this image">Coverage unknown</span>`:null}var cs=[["name",e=>e.name],["url",e=>e.url],["filters",e=>e.filters||[]],["interval",e=>e.interval],["last_crawl",e=>e.last_crawl],["last_error",e=>e.last_error],["images",e=>e.images],["queued",e=>e.queued],["leased",e=>e.leased],["failed",e=>e.failed]],Be=[["","Manual only"],["15m0s","Every 15 minutes"],["1h0m0s","Every hour"],["6h0m0s","Every 6 hours"],["24h0m0s","Every day"]];function ds(e){if(!e)return"Manual";let t=Be.find(([s])=>s===e);return t?t[1]:"Every "+e}var Rt={name:"",url:"",username:"",password:"",token:"",insecure:!1,filters:"",interval:"",max_repositories:"",max_tags:"",rescan_after_db_update:!1,kind:"",namespace:"",api:"",repositories:"",api_token:"",webhook_secret:"",max_pulls:"",pulls_per_second:""},us=[["","Generic (/v2/_catalog)"],["dockerhub","Docker Hub"],["ghcr","GitHub (GHCR)"],["gitlab","GitLab"],["harbor","Harbor"],["quay","Quay"],["artifactory","JFrog Artifactory"],["nexus","Sonatype Nexus"],["ecr","Amazon ECR"],["gar","Google Artifact Registry"],["acr","Azure Container Registry"]];function ps({initial:e,onDone:t,onCancel:s}){let a=!!e,[r,n]=k(e?{...Rt,...e,password:"",token:"",filters:(e.filters||[]).join(`
`),interval:e.interval||"",max_repositories:e.max_repositories||"",max_tags:e.max_tags||"",kind:e.kind||"",namespace:e.namespace||"",api:e.api||"",repositories:(e.repositories||[]).join(`
`),api_token:"",webhook_secret:"",max_pulls:e.max_pulls||"",pulls_per_second:e.pulls_per_second||""}:Rt),[o,l]=k(null),[u,_]=k(!1),c=d=>h=>{let $=h.currentTarget;n({...r,[d]:$.type==="checkbox"?$.checked:$.value})};async function p(d){d.preventDefault(),_(!0),l(null);let h={name:r.name.trim(),url:r.url.trim(),username:r.username.trim()||void 0,password:r.password||void 0,token:r.token||void 0,insecure:r.insecure||void 0,filters:r.filters.split(/[\n,]/).map($=>$.trim()).filter(Boolean),interval:r.interval.trim(),max_repositories:r.max_repositories?Number(r.max_repositories):void 0,max_tags:r.max_tags?Number(r.max_tags):void 0,rescan_after_db_update:r.rescan_after_db_update||void 0,kind:r.kind||void 0,namespace:r.namespace.trim()||void 0,api:r.api.trim()||void 0,repositories:r.repositories.split(/[\n,]/).map($=>$.trim()).filter(Boolean),api_token:r.api_token||void 0,webhook_secret:r.webhook_secret||void 0,max_pulls:r.max_pulls?Number(r.max_pulls):void 0,pulls_per_second:r.pulls_per_second?Number(r.pulls_per_second):void 0};try{a?await x("/api/v1/registries/"+encodeURIComponent(e.name),{method:"PUT",body:h}):await x("/api/v1/registries",{method:"POST",body:h}),t(h.name)}catch($){l($),_(!1)}}let m=r.interval&&!Be.some(([d])=>d===r.interval);return i`<form class="card form" onSubmit=${p} aria-labelledby="regform-title">
    <h2 id="regform-title">${a?"Edit registry "+e.name:"Add a registry"}</h2>
    <div class="grid">
      <div class="field">
        <label for="reg-name">Name</label>
        <input id="reg-name" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,62}" value=${r.name} onInput=${c("name")}
          readonly=${a} aria-describedby="reg-name-hint" />
        <small id="reg-name-hint">Letters, digits, “.”, “_”, “-”.</small>
      </div>
      <div class="field">
        <label for="reg-url">URL</label>
        <input id="reg-url" type="url" required placeholder="https://registry.example" value=${r.url} onInput=${c("url")} />
      </div>
      <div class="field">
        <label for="reg-user">Username</label>
        <input id="reg-user" autocomplete="off" value=${r.username} onInput=${c("username")} />
      </div>
      <div class="field">
        <label for="reg-pass">Password</label>
        <input id="reg-pass" type="password" autocomplete="new-password" value=${r.password} onInput=${c("password")}
          aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-token">Registry token</label>
        <input id="reg-token" type="password" autocomplete="off" value=${r.token} onInput=${c("token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-schedule">Schedule</label>
        <select id="reg-schedule" value=${m?"custom":r.interval} onChange=${d=>{let h=d.currentTarget.value;n({...r,interval:h==="custom"?"2h":h})}}>
          ${Be.map(([d,h])=>i`<option value=${d}>${h}</option>`)}
          <option value="custom">Other interval…</option>
        </select>
      </div>
      ${m&&i`<div class="field">
        <label for="reg-interval">Interval (Go duration, e.g. 90m)</label>
        <input id="reg-interval" value=${r.interval} onInput=${c("interval")} />
      </div>`}
      <div class="field wide">
        <label for="reg-filters">Filters (one per line: repository glob, optionally :tag glob)</label>
        <textarea id="reg-filters" rows="3" placeholder="team/*:v*" value=${r.filters} onInput=${c("filters")}></textarea>
      </div>
      <div class="field">
        <label for="reg-maxrepos">Max repositories</label>
        <input id="reg-maxrepos" type="number" min="0" value=${r.max_repositories} onInput=${c("max_repositories")} />
      </div>
      <div class="field">
        <label for="reg-maxtags">Max tags per repository</label>
        <input id="reg-maxtags" type="number" min="0" value=${r.max_tags} onInput=${c("max_tags")} />
      </div>
      <div class="field">
        <label for="reg-kind">Kind</label>
        <select id="reg-kind" value=${r.kind} onChange=${c("kind")}>
          ${us.map(([d,h])=>i`<option value=${d}>${h}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="reg-namespace">Namespace (what the kind's API lists)</label>
        <input id="reg-namespace" placeholder="acme" value=${r.namespace} onInput=${c("namespace")} />
      </div>
      <div class="field">
        <label for="reg-api">API URL (when not the kind's default)</label>
        <input id="reg-api" type="url" value=${r.api} onInput=${c("api")} />
      </div>
      <div class="field">
        <label for="reg-apitoken">API token (when not the password)</label>
        <input id="reg-apitoken" type="password" autocomplete="off" value=${r.api_token} onInput=${c("api_token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field wide">
        <label for="reg-repos">Repositories (one per line, REPO or REPO:tag glob; instead of any listing)</label>
        <textarea id="reg-repos" rows="2" placeholder="team/app:v*" value=${r.repositories} onInput=${c("repositories")}></textarea>
      </div>
      <div class="field">
        <label for="reg-hook">Webhook secret</label>
        <input id="reg-hook" type="password" autocomplete="off" value=${r.webhook_secret} onInput=${c("webhook_secret")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-maxpulls">Max pulls at once (whole fleet)</label>
        <input id="reg-maxpulls" type="number" min="0" value=${r.max_pulls} onInput=${c("max_pulls")} />
      </div>
      <div class="field">
        <label for="reg-pps">Pulls per second</label>
        <input id="reg-pps" type="number" min="0" step="any" value=${r.pulls_per_second} onInput=${c("pulls_per_second")} />
      </div>
      <div class="field check">
        <input id="reg-insecure" type="checkbox" checked=${r.insecure} onChange=${c("insecure")} />
        <label for="reg-insecure">Skip TLS verification</label>
      </div>
      <div class="field check">
        <input id="reg-rescan" type="checkbox" checked=${r.rescan_after_db_update} onChange=${c("rescan_after_db_update")} />
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
      <button type="submit" class="primary" disabled=${u}>${a?"Save":"Add registry"}</button>
      <button type="button" onClick=${s}>Cancel</button>
    </div>
  </form>`}function ms({r:e}){let t=e.queued+e.leased+e.scanned+e.failed,s=e.crawling||e.queued+e.leased>0,a;return e.crawling?a="Listing images\u2026":s?a=`Scanning: ${e.scanned} of ${t} done, ${e.leased} in progress, ${e.queued} waiting`:e.last_crawl?a=`Last scan ${M(e.last_crawl)}: ${e.scanned} scanned`+(e.failed?`, ${e.failed} failed`:""):a="Never scanned",i`<div class="progress-cell">
    <span class=${s?"state running":"state"} data-testid="reg-status">${a}</span>
    ${s&&t>0&&i`<progress max=${t} value=${e.scanned+e.failed} aria-label=${"Scan progress of "+e.name}></progress>`}
    ${e.last_error&&i`<span class="error small">Last crawl error: ${e.last_error}</span>`}
  </div>`}function At({role:e}){let t=e==="admin",{data:s,error:a,reload:r}=L(()=>x("/api/v1/console/registries"),[],2e3),[n,o]=k(null),[l,u]=k(""),[_,c]=k(null);async function p(m,d){c(null);try{await m(),u(d),r()}catch(h){c(h)}}return i`
    <div class="page-head">
      <h1>Registries</h1>
      ${t&&!n&&i`<button type="button" class="primary" onClick=${()=>o("new")}>Add registry</button>`}
    </div>
    <p class="sr-only" role="status" aria-live="polite">${l}</p>
    ${n&&i`<${ps}
      initial=${n==="new"?null:n}
      onCancel=${()=>o(null)}
      onDone=${m=>{o(null),u("Registry "+m+" saved."),r()}}
    />`}
    <${C} error=${_||a} />
    ${!s&&!a&&i`<${T} />`}
    ${s&&s.length===0&&i`<p class="empty">No registries yet.${t?" Add one to start scanning.":""}</p>`}
    ${s&&s.length>0&&i`<div class="list-tools"><span></span><${E} name="registries" columns=${cs} rows=${()=>s} /></div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Registries and the progress of their scans</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Schedule</th><th scope="col">Images</th>
        <th scope="col">Status</th>${t&&i`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
      <tbody>
        ${s.map(m=>i`<tr key=${m.name} data-registry=${m.name}>
            <th scope="row"><a href=${N(["images"],{registry:m.name})}>${m.name}</a>
              ${(m.filters||[]).length>0&&i`<div class="small muted">${m.filters.join(", ")}</div>`}</th>
            <td class="mono small">${m.url}${m.username&&i`<div class="muted">as ${m.username}</div>`}</td>
            <td>${ds(m.interval)}${m.rescan_after_db_update&&i`<div class="small muted">rescans after DB updates</div>`}</td>
            <td class="num">${m.images}</td>
            <td><${ms} r=${m} /></td>
            ${t&&i`<td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Scan "+m.name+" now"} disabled=${m.crawling}
                onClick=${()=>p(()=>x(`/api/v1/registries/${encodeURIComponent(m.name)}/scan`,{method:"POST",body:{}}),"Scan of "+m.name+" started.")}>Scan now</button>
              <button type="button" class="small" aria-label=${"Edit "+m.name} onClick=${()=>o(m)}>Edit</button>
              <button type="button" class="small danger" aria-label=${"Delete "+m.name}
                onClick=${()=>confirm(`Delete registry ${m.name}? Its stored results stay.`)&&p(()=>x(`/api/v1/registries/${encodeURIComponent(m.name)}`,{method:"DELETE"}),"Registry "+m.name+" deleted.")}>Delete</button>
            </td>`}
          </tr>`)}
      </tbody>
    </table></div>`}
    <p class="hint">Status refreshes every 2 seconds.</p>`}var Dt={CRITICAL:"#8e1b1b",HIGH:"#d2461c",MEDIUM:"#c98a00",LOW:"#2f6db3",NEGLIGIBLE:"#5f7481",UNKNOWN:"#8a8a8a"};function le(e){return Dt[e]||Dt.UNKNOWN}function G({counts:e={},fixable:t={},title:s="Findings by severity"}){let a=A.filter(h=>e[h]>0);if(!a.reduce((h,$)=>h+e[$],0))return i`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No findings.</p></figure>`;let n=Math.max(...a.map(h=>e[h])),o=26,l=ie(),u=l?84:92,_=l?96:120,c=l?340:560,p=c-u-_,m=a.length*o+24,d=s+": "+a.map(h=>`${e[h]} ${h.toLowerCase()} (${t[h]||0} with a fix)`).join(", ");return i`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${c} ${m}" role="img" aria-label=${d} preserveAspectRatio="xMinYMin meet">
      <defs>
        ${a.map(h=>i`<pattern id=${"nofix-"+h} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill=${le(h)} opacity="0.35" />
            <line x1="0" y1="0" x2="0" y2="6" stroke=${le(h)} stroke-width="3" />
          </pattern>`)}
      </defs>
      ${a.map((h,$)=>{let b=$*o+2,g=e[h],v=Math.min(t[h]||0,g),f=Math.max(2,g/n*p),y=v/g*f;return i`<g>
          <text x="0" y=${b+16} class="chart-label">${h}</text>
          <rect x=${u} y=${b+3} width=${y} height="18" fill=${le(h)} />
          <rect x=${u+y} y=${b+3} width=${f-y} height="18" fill=${"url(#nofix-"+h+")"} />
          <text x=${u+f+6} y=${b+16} class="chart-num">${g} (${v} fix)</text>
        </g>`})}
      <g transform=${`translate(${u},${a.length*o+8})`}>
        <rect width="12" height="10" fill="#555" /><text x="16" y="9" class="chart-legend">has a fix</text>
        <rect x="90" width="12" height="10" fill="url(#nofix-${a[0]})" /><text x="106" y="9" class="chart-legend">no fix yet</text>
      </g>
    </svg>
  </figure>`}function xe({samples:e=[],series:t,title:s,timeFmt:a}){let r=ie()?360:640,n=ie()?200:220,o=44,l=12,u=12,_=40;if(e.length<2)return i`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">Not enough samples yet.</p></figure>`;let c=new Date(e[0].time).getTime(),p=new Date(e[e.length-1].time).getTime(),m=Math.max(1,p-c),d=Math.max(1,...e.flatMap(w=>t.map(R=>w[R.key]||0))),h=Mt(d),$=w=>o+(new Date(w).getTime()-c)/m*(r-o-l),b=w=>u+(1-w/h)*(n-u-_),g=e[e.length-1],v=s+(a?` from ${y(e[0].time)} to ${y(g.time)}: `:` over the last ${Math.round(m/6e4)||"<1"} min: `)+t.map(w=>`${w.label} now ${g[w.key]||0}, peak ${Math.max(...e.map(R=>R[w.key]||0))}`).join("; "),f=[0,h/2,h],y=a||(w=>new Date(w).toLocaleTimeString([],{hour:"2-digit",minute:"2-digit",second:"2-digit"}));return i`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${r} ${n}" role="img" aria-label=${v} preserveAspectRatio="xMinYMin meet">
      ${f.map(w=>i`<g>
          <line x1=${o} x2=${r-l} y1=${b(w)} y2=${b(w)} class="grid" />
          <text x=${o-6} y=${b(w)+4} text-anchor="end" class="chart-num">${w}</text>
        </g>`)}
      <text x=${o} y=${n-_+16} class="chart-num">${y(e[0].time)}</text>
      <text x=${r-l} y=${n-_+16} text-anchor="end" class="chart-num">${y(g.time)}</text>
      ${t.map(w=>i`<polyline fill="none" stroke=${w.color} stroke-width="2.5" stroke-linejoin="round"
          points=${e.map(R=>`${$(R.time).toFixed(1)},${b(R[w.key]||0).toFixed(1)}`).join(" ")} />`)}
      <g transform=${`translate(${o},${n-10})`}>
        ${t.map((w,R)=>i`<g transform=${`translate(${R*(r>400?120:100)},0)`}>
            <rect y="-9" width="14" height="4" fill=${w.color} /><text x="18" y="-3" class="chart-legend">${w.label}</text>
          </g>`)}
      </g>
    </svg>
  </figure>`}function Mt(e){let t=Math.pow(10,Math.floor(Math.log10(e)));for(let s of[1,2,5,10])if(s*t>=e)return s*t;return 10*t}function Ot({days:e=[],valueKey:t,title:s,color:a="#1a5fb4"}){if(!e.length)return i`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No days recorded yet.</p></figure>`;let r=ie()?340:560,n=170,o=36,l=24,u=14,_=Mt(Math.max(1,...e.map($=>$[t]||0))),c=(r-o)/Math.max(e.length,7),p=Math.max(4,Math.min(40,c*.7)),m=$=>u+(1-$/_)*(n-u-l),d=$=>new Date($+"T12:00:00Z").toLocaleDateString([],{month:"short",day:"numeric"}),h=s+": "+e.map($=>`${d($.day)} ${$[t]||0}`).join(", ");return i`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${r} ${n}" role="img" aria-label=${h} preserveAspectRatio="xMinYMin meet">
      ${[0,_/2,_].filter(Number.isInteger).map($=>i`<g><line x1=${o} x2=${r} y1=${m($)} y2=${m($)} class="grid" />
          <text x=${o-6} y=${m($)+4} text-anchor="end" class="chart-num">${$}</text></g>`)}
      ${e.map(($,b)=>{let g=$[t]||0,v=o+b*c+(c-p)/2;return i`<g>
          <rect x=${v} y=${m(g)} width=${p} height=${Math.max(0,n-l-m(g))} fill=${a} />
          ${(e.length<=10||b===0||b===e.length-1)&&i`<text x=${v+p/2} y=${n-8} text-anchor="middle" class="chart-num">${d($.day)}</text>`}
        </g>`})}
    </svg>
  </figure>`}var ce=50,fs=[{key:"repository",label:"Image"},{key:"os",label:"OS",cls:"hide-sm"},{key:"severity",label:"Findings by severity"},{key:"fixable",label:"With a fix",cls:"num"},{key:"packages",label:"Packages",cls:"num hide-sm"},{key:"scanned_at",label:"Last scan",cls:"hide-sm"}],_s=[["","Any"],["not_covered","Not covered"],["covered","Covered"],["unknown","Unknown"]];function qe({sev:e={},fix:t={},coverage:s,notCovered:a}){let r=A.filter(o=>e[o]>0),n=i`<${we} coverage=${s} notCovered=${a} />`;return r.length?i`<span class="counts">${n}
    ${r.map(o=>i`<span class=${H(o)} title=${`${e[o]} ${o.toLowerCase()}, ${t[o]||0} with a fix`}>
        <span aria-hidden="true">${o[0]}</span><span class="sr-only">${o.toLowerCase()}</span> ${e[o]}</span>`)}
  </span>`:s&&s!=="covered"?n:i`<span class="muted">none</span>`}function Ut({query:e}){let t={registry:e.registry||"",repository:e.repository||"",q:e.q||"",severity:e.severity||"",coverage:e.coverage||"",fixable:e.fixable==="true",sort:e.sort||"severity",order:e.order||"",offset:Number(e.offset)||0},s=JSON.stringify(t),{data:a,error:r,loading:n}=L(()=>x("/api/v1/console/images"+V({...t,limit:ce})),[s],1e4),[o,l]=be(t.q),u=p=>re(["images"],{...t,offset:0,...p}),_=p=>{let m=t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(t.sort);u({sort:p,order:t.sort===p?m?"asc":"desc":""})},c=p=>t.sort!==p?void 0:(t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(p))?"descending":"ascending";return i`
    <div class="page-head"><h1>Images</h1></div>
    <form class="filters" role="search" aria-label="Filter images" onSubmit=${p=>{p.preventDefault(),u({q:o.trim()})}}>
      <div class="field">
        <label for="f-registry">Registry</label>
        <select id="f-registry" value=${t.registry} onChange=${p=>u({registry:p.currentTarget.value,repository:""})}>
          <option value="">All</option>
          ${(a?.registries||(t.registry?[t.registry]:[])).map(p=>i`<option value=${p}>${p}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-repo">Repository</label>
        <select id="f-repo" value=${t.repository} onChange=${p=>u({repository:p.currentTarget.value})}>
          <option value="">All</option>
          ${(a?.repositories||(t.repository?[t.repository]:[])).map(p=>i`<option value=${p}>${p}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-sev">Has severity</label>
        <select id="f-sev" value=${t.severity} onChange=${p=>u({severity:p.currentTarget.value})}>
          <option value="">Any</option>
          ${A.map(p=>i`<option value=${p}>${p[0]+p.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-cov">Coverage</label>
        <select id="f-cov" value=${t.coverage} onChange=${p=>u({coverage:p.currentTarget.value})}>
          ${_s.map(([p,m])=>i`<option value=${p}>${m}</option>`)}
        </select>
      </div>
      <div class="field grow">
        <label for="f-q">Search</label>
        <input id="f-q" type="search" placeholder="name, tag, digest or OS" value=${o} onInput=${p=>l(p.currentTarget.value)} />
      </div>
      <div class="field check">
        <input id="f-fix" type="checkbox" checked=${t.fixable} onChange=${p=>u({fixable:p.currentTarget.checked})} />
        <label for="f-fix">Only with fixes</label>
      </div>
      <button type="submit">Search</button>
    </form>
    <${C} error=${r} />
    ${!a&&!r&&i`<${T} />`}
    ${a&&i`
      <div class="summary">
        <div class="list-tools">
          <p role="status" aria-live="polite"><strong>${a.total}</strong> image${a.total===1?"":"s"}${a.not_covered>0?i`, <a href=${N(["images"],{...t,offset:0,coverage:"not_covered"})} class="nc-link"><strong>${a.not_covered}</strong> not covered</a> (their counts are incomplete)`:""}${n?" (refreshing\u2026)":""}</p>
          <${E} name="images" columns=${hs} rows=${()=>gs(t)} />
        </div>
        <${G} counts=${a.severities} fixable=${a.fixable} title="Findings in these images by severity" />
      </div>
      ${a.total===0?i`<p class="empty">No scanned image matches. Add a registry and scan it, or change the filters.</p>`:i`<div class="table-wrap"><table class="data images">
        <caption class="sr-only">Scanned images, sorted by ${t.sort}</caption>
        <thead><tr>
          ${fs.map(p=>i`<th scope="col" class=${p.cls||""} aria-sort=${c(p.key)}>
              <button type="button" class="sort" onClick=${()=>_(p.key)}>${p.label}<span aria-hidden="true">${t.sort===p.key?c(p.key)==="descending"?" \u25BC":" \u25B2":""}</span></button></th>`)}
        </tr></thead>
        <tbody>
          ${a.items.map(p=>{let m=Object.values(p.fixable||{}).reduce((d,h)=>d+h,0);return i`<tr key=${p.registry+p.repository+p.digest}>
              <th scope="row">
                <a href=${N(["image",p.digest])}>${p.repository}:${p.tag}</a>
                ${(p.tags||[]).filter(d=>d!==p.tag).length>0&&i`<div class="small">also ${(p.tags||[]).filter(d=>d!==p.tag).map(d=>":"+d).join(", ")}</div>`}
                <div class="small muted mono hide-sm">${p.registry} · ${D(p.digest)}</div>
              </th>
              <td class="hide-sm">${p.os||i`<span class="muted">unknown</span>`}</td>
              <td><${qe} sev=${p.severities} fix=${p.fixable} coverage=${p.coverage} notCovered=${p.not_covered} /></td>
              <td class="num">${m} / ${p.vulnerabilities}${p.coverage==="not_covered"?i`<span title="not covered: incomplete"> *</span>`:""}</td>
              <td class="num hide-sm">${p.packages}</td>
              <td class="hide-sm" title=${p.scanned_at}>${M(p.scanned_at)}</td>
            </tr>`})}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled=${t.offset===0} onClick=${()=>u({offset:Math.max(0,t.offset-ce)})}>Previous</button>
        <span>${t.offset+1}–${Math.min(a.total,t.offset+ce)} of ${a.total}</span>
        <button type="button" disabled=${t.offset+ce>=a.total} onClick=${()=>u({offset:t.offset+ce})}>Next</button>
      </nav>`}
    `}`}var hs=[["registry",e=>e.registry],["repository",e=>e.repository],["tags",e=>(e.tags&&e.tags.length?e.tags:[e.tag]).join(" ")],["digest",e=>e.digest],["os",e=>e.os],["coverage",e=>e.coverage],["not_covered",e=>(e.not_covered||[]).join(" ")],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...A.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>Object.values(e.fixable||{}).reduce((t,s)=>t+s,0)],["scanned_at",e=>e.scanned_at]];async function gs(e){let t=[];for(let s=0;;s+=500){let a=await x("/api/v1/console/images"+V({...e,offset:s,limit:500}));if(t.push(...a.items),s+500>=a.total)return t}}var Z=[["findings","Findings"],["layers","Layers"],["packages","Packages"]],$s=[["json","JSON"],["sarif","SARIF"],["cyclonedx","CycloneDX"],["spdx","SPDX"]];function vs(e){let s=(e.references||[]).find(a=>/^https:\/\//.test(a));return s||(/^CVE-/.test(e.id)?"https://nvd.nist.gov/vuln/detail/"+e.id:/^GHSA-/.test(e.id)?"https://github.com/advisories/"+e.id:/^GO-/.test(e.id)?"https://pkg.go.dev/vuln/"+e.id:"https://osv.dev/vulnerability/"+e.id)}var jt=50;function We({kev:e}){return e?i`<span class="badge kev" title=${"In CISA's Known Exploited Vulnerabilities catalog since "+e.date_added+(e.due_date?", remediation due "+e.due_date:"")+(e.known_ransomware_use?"; used by ransomware":"")}>KEV</span>`:null}function Ge({epss:e}){if(!e)return null;let t=(e.score*100).toFixed(e.score<.1?1:0);return i`<span class="badge epss" title=${`EPSS ${t}% probability of exploitation in the next 30 days (percentile ${Math.round(e.percentile*100)}, ${e.date})`}>EPSS ${t}%</span>`}function Ke({cvss:e}){return!e||!e.length?i`<span class="muted">none given</span>`:i`<ul class="refs">${e.map(t=>i`<li><strong>${t.score.toFixed(1)}</strong> CVSS ${t.version}${t.source?" ("+t.source+")":""} <span class="mono small">${t.vector}</span></li>`)}</ul>`}function ze({refs:e}){return!e||!e.length?i`<span class="muted">none</span>`:i`<ul class="refs">${e.map(t=>/^https?:\/\//i.test(t)?i`<li><a href=${t} target="_blank" rel="noopener noreferrer">${t}</a></li>`:i`<li>${t}</li>`)}</ul>`}function ys({v:e}){return i`<div class="detail-body">
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
  </div>`}var bs=[["id",e=>e.id],["aliases",e=>e.aliases||[]],["severity",e=>e.severity],["severity_source",e=>e.severity_source],["title",e=>e.title],["package",e=>e.package],["package_type",e=>e.package_type],["package_path",e=>e.package_path],["installed_version",e=>e.installed_version],["fixed_version",e=>e.fixed_version],["cvss",e=>(e.cvss||[]).map(t=>t.score+" "+t.vector).join(" ")],["kev",e=>e.kev?e.kev.date_added:""],["epss",e=>e.epss?e.epss.score:""],["layer",e=>e.layer]];function Ye({rep:e,name:t}){let[s,a]=k(""),[r,n]=k(""),[o,l]=k(!1),[u,_]=k(!1),[c,p]=k(0),[m,d]=k({}),h=e.vulnerabilities||[],$=oe(()=>{let f=s.trim().toLowerCase();return h.filter(y=>(!r||(y.severity||"").toUpperCase()===r)&&(!o||y.fixed_version)&&(!u||y.kev)&&(!f||(y.id+" "+(y.aliases||[]).join(" ")+" "+y.package+" "+(y.title||"")).toLowerCase().includes(f))).sort((y,w)=>A.indexOf((y.severity||"UNKNOWN").toUpperCase())-A.indexOf((w.severity||"UNKNOWN").toUpperCase())||(w.kev?1:0)-(y.kev?1:0)||y.id.localeCompare(w.id))},[h,s,r,o,u]),b=f=>y=>{f(y),p(0)},g=$.slice(c,c+jt),v=h.some(f=>f.kev);return i`
    <form class="filters" role="search" aria-label="Filter findings" onSubmit=${f=>f.preventDefault()}>
      <div class="field grow">
        <label for="v-q">Find</label>
        <input id="v-q" type="search" placeholder="CVE, package or title" value=${s} onInput=${f=>b(a)(f.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="v-sev">Severity</label>
        <select id="v-sev" value=${r} onChange=${f=>b(n)(f.currentTarget.value)}>
          <option value="">Any</option>
          ${A.map(f=>i`<option value=${f}>${f[0]+f.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field check">
        <input id="v-fix" type="checkbox" checked=${o} onChange=${f=>b(l)(f.currentTarget.checked)} />
        <label for="v-fix">Only with a fix</label>
      </div>
      ${v&&i`<div class="field check">
        <input id="v-kev" type="checkbox" checked=${u} onChange=${f=>b(_)(f.currentTarget.checked)} />
        <label for="v-kev">Only known exploited</label>
      </div>`}
    </form>
    <div class="list-tools">
      <p role="status" class="muted" id="findings-count">${$.length} of ${h.length} findings</p>
      <${E} name=${t+"-findings"} columns=${bs} rows=${()=>$} />
    </div>
    ${$.length>0&&i`<div class="table-wrap"><table class="data findings">
      <caption class="sr-only">Findings, worst first</caption>
      <thead><tr><th scope="col">Severity</th><th scope="col">Vulnerability</th><th scope="col">Package</th>
        <th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Layer</th><th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>
        ${g.map((f,y)=>{let w=f.id+"|"+f.package+"|"+f.installed_version+"|"+(f.package_path||"")+"|"+(c+y),R=!!m[w];return i`<tr key=${w}>
            <td><span class=${H((f.severity||"").toUpperCase())}>${f.severity||"UNKNOWN"}</span>
              ${f.severity_source&&i`<div class="small muted">${f.severity_source}</div>`}</td>
            <th scope="row">
              <a href=${N(["vulnerabilities",f.id])}>${f.id}</a>
              <a class="ext" href=${vs(f)} target="_blank" rel="noopener noreferrer" aria-label=${"Advisory for "+f.id+" (opens a new tab)"}>↗</a>
              <${We} kev=${f.kev} /><${Ge} epss=${f.epss} />
              ${f.title&&i`<div class="title-line" title=${f.title}>${f.title}</div>`}
              ${(f.aliases||[]).length>0&&i`<div class="small muted">${f.aliases.join(", ")}</div>`}
            </th>
            <td>${f.package}${f.package_type&&i` <span class="muted small">${f.package_type}</span>`}</td>
            <td class="mono small">${f.installed_version} → ${f.fixed_version?i`<strong>${f.fixed_version}</strong>`:i`<span class="nofix">no fix</span>`}</td>
            <td class="hide-sm small">${f.layer?i`<span class="mono">${D(f.layer)}</span>`:""}
              ${f.layer_created_by&&i`<div class="created-by" title=${f.layer_created_by}>${f.layer_created_by}</div>`}</td>
            <td><button type="button" class="small" aria-expanded=${R?"true":"false"} aria-controls=${"d-"+(c+y)}
              aria-label=${(R?"Hide details of ":"Show details of ")+f.id+" in "+f.package}
              onClick=${()=>d({...m,[w]:!R})}>${R?"Hide":"Details"}</button></td>
          </tr>
          ${R&&i`<tr class="detail" key=${w+"-d"} id=${"d-"+(c+y)}><td colspan="6"><${ys} v=${f} /></td></tr>`}`})}
      </tbody>
    </table></div>
    <${ke} offset=${c} size=${jt} total=${$.length} onGo=${p} label="Pages of findings" />`}`}function ks({rep:e}){let t=e.image?.layers||[],s=n=>{let o={};for(let l of n||[])o[l.layer]=(o[l.layer]||0)+1;return o},a=s(e.packages),r=s(e.vulnerabilities);return t.length?i`<ol class="layers">
    ${t.map((n,o)=>i`<li key=${n.digest} class="card">
        <div class="layer-head"><strong>Layer ${o+1}</strong> <span class="mono small">${D(n.digest)}</span>
          <span class="muted small">${Tt(n.size)}</span></div>
        <pre class="created-by-full">${n.created_by||"(no history entry)"}</pre>
        <p class="small">${a[n.digest]||0} packages introduced · ${r[n.digest]||0} findings</p>
      </li>`)}
  </ol>`:i`<p class="empty">This report lists no layers.</p>`}var ws=[["name",e=>e.name],["version",e=>e.version],["type",e=>e.type],["path",e=>e.path],["layer",e=>e.layer],["purl",e=>e.purl]];function Je({rep:e,name:t}){let[s,a]=k(""),[r,n]=k(200),o=e.packages||[],l=s.trim().toLowerCase(),u=o.filter(_=>!l||(_.name+" "+_.version+" "+_.type).toLowerCase().includes(l));return i`
    <form class="filters" role="search" aria-label="Filter packages" onSubmit=${_=>_.preventDefault()}>
      <div class="field grow">
        <label for="p-q">Find a package</label>
        <input id="p-q" type="search" value=${s} onInput=${_=>a(_.currentTarget.value)} />
      </div>
    </form>
    <div class="list-tools">
      <p role="status" class="muted">${u.length} of ${o.length} packages</p>
      <${E} name=${t+"-packages"} columns=${ws} rows=${()=>u} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Packages</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Type</th><th scope="col" class="hide-sm">Path</th><th scope="col" class="hide-sm">Layer</th></tr></thead>
      <tbody>
        ${u.slice(0,r).map((_,c)=>i`<tr key=${c}>
            <th scope="row">${_.name}</th><td class="mono small">${_.version}</td><td>${_.type}</td>
            <td class="hide-sm small mono">${_.path}</td><td class="hide-sm small mono">${D(_.layer)}</td>
          </tr>`)}
      </tbody>
    </table></div>
    ${u.length>r&&i`<button type="button" onClick=${()=>n(r+500)}>Show more (${u.length-r} left)</button>`}`}function Ft({digest:e,query:t}){let{data:s,error:a}=L(()=>x("/api/v1/images/"+encodeURIComponent(e)),[e]),{data:r}=L(()=>x("/api/v1/console/images"+V({q:e,limit:20,sort:"reference"})).then(g=>g.items.filter(v=>v.digest===e)),[e]),[n,o]=k(t.tab||"findings"),[l,u]=k(null),_=oe(()=>{let g={},v={};for(let f of s?.vulnerabilities||[]){let y=(f.severity||"UNKNOWN").toUpperCase();g[y]=(g[y]||0)+1,f.fixed_version&&(v[y]=(v[y]||0)+1)}return{c:g,f:v}},[s]);if(a)return i`<h1>Image</h1><${C} error=${a} />`;let c=(r||[]).flatMap(g=>(g.tags&&g.tags.length?g.tags:[g.tag]).map(v=>g.registry+"/"+g.repository+":"+v)),p=r&&r.length?r[0].repository+":"+r[0].tag:s&&s.image?.reference||e,m=(r&&r.length?r[0].repository+"-"+r[0].tag:D(e)).replace(/[^A-Za-z0-9._-]+/g,"_");if(!s)return i`<h1>Image</h1><${T} />`;let d=s.image||{},h=s.os?s.os.pretty_name||s.os.id+" "+(s.os.version_id||""):"unknown",$=(s.coverage||[]).filter(g=>!g.covered),b=g=>{let v=Z.findIndex(([y])=>y===n),f=-1;g.key==="ArrowRight"&&(f=(v+1)%Z.length),g.key==="ArrowLeft"&&(f=(v+Z.length-1)%Z.length),f>=0&&(g.preventDefault(),o(Z[f][0]),document.getElementById("tab-"+Z[f][0]).focus())};return i`
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/images">Images</a> ›</nav>
    <h1 class="break">${p}</h1>
    ${c.length>0&&i`<p class="muted small" id="image-tags">${c.join(", ")}</p>`}
    <p class="mono small break">${d.digest||e}</p>
    <dl class="facts">
      <div><dt>OS</dt><dd>${h}</dd></div>
      ${d.platform&&i`<div><dt>Platform</dt><dd>${d.platform}</dd></div>`}
      <div><dt>Scanned</dt><dd>${U(s.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(s.packages||[]).length}</dd></div>
      <div><dt>Findings</dt><dd>${(s.vulnerabilities||[]).length}</dd></div>
      ${s.db&&i`<div><dt>Database</dt><dd><span class="mono small">${D(s.db.digest)}</span><div class="small muted">built ${U(s.db.built_at)}</div></dd></div>`}
    </dl>
    ${$.length>0&&i`<p class="warn" role="note">Not covered by the database: ${$.map(g=>g.ecosystem+" ("+g.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    <div class="downloads" role="group" aria-label="Download the report">
      <span>Download report:</span>
      ${$s.map(([g,v])=>i`<button type="button" class="small" onClick=${()=>{u(null),Lt(`/api/v1/images/${encodeURIComponent(e)}/report?format=${g}`,"report."+g).catch(u)}}>${v}</button>`)}
    </div>
    <${C} error=${l} />
    <${G} counts=${_.c} fixable=${_.f} />
    <div class="tabs" role="tablist" aria-label="Report sections" onKeyDown=${b}>
      ${Z.map(([g,v])=>i`<button type="button" role="tab" id=${"tab-"+g} aria-controls=${"panel-"+g}
          aria-selected=${n===g?"true":"false"} tabindex=${n===g?0:-1} onClick=${()=>o(g)}>${v}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+n} aria-labelledby=${"tab-"+n} class="panel">
      ${n==="findings"&&i`<${Ye} rep=${s} name=${m} />`}
      ${n==="layers"&&i`<${ks} rep=${s} />`}
      ${n==="packages"&&i`<${Je} rep=${s} name=${m} />`}
    </section>`}var Vt=50;function xs({id:e}){let{data:t,error:s}=L(()=>x("/api/v1/vulnerabilities/"+encodeURIComponent(e)),[e]),[a,r]=k(0);return s?i`<h1 class="break">${e}</h1>
      ${s.status===404?i`<p class="empty">No scanned image has ${e}.</p>`:i`<${C} error=${s} />`}`:t?i`
    <h1 class="break">${t.id} <span class=${H(t.severity)}>${t.severity}</span><${We} kev=${t.kev} /><${Ge} epss=${t.epss} /></h1>
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
      <${E} name=${t.id+"-images"} columns=${Ss} rows=${()=>t.images.flatMap(n=>n.findings.map(o=>({im:n,f:o})))} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Images affected by ${t.id}</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">Package</th><th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
      <tbody>
        ${t.images.slice(a,a+Vt).map(n=>n.findings.map((o,l)=>i`<tr key=${n.digest+l}>
              ${l===0&&i`<th scope="row" rowspan=${n.findings.length}>
                <a href=${N(["image",n.digest])}>${n.repository}:${n.tag}</a>
                ${(n.tags||[]).filter(u=>u!==n.tag).length>0&&i`<div class="small">also ${(n.tags||[]).filter(u=>u!==n.tag).map(u=>":"+u).join(", ")}</div>`}
                <div class="small muted mono">${n.registry} · ${D(n.digest)}</div>
              </th>`}
              <td>${o.package}</td>
              <td class="mono small">${o.installed_version} → ${o.fixed_version?i`<strong>${o.fixed_version}</strong>`:i`<span class="nofix">no fix</span>`}</td>
              ${l===0&&i`<td class="hide-sm" rowspan=${n.findings.length}>${M(n.scanned_at)}</td>`}
            </tr>`))}
      </tbody>
    </table></div>
    <${ke} offset=${a} size=${Vt} total=${t.images.length} onGo=${r} label="Pages of affected images" />`:i`<h1 class="break">${e}</h1><${T} />`}var Ss=[["registry",e=>e.im.registry],["repository",e=>e.im.repository],["tags",e=>e.im.tags&&e.im.tags.length?e.im.tags:[e.im.tag]],["digest",e=>e.im.digest],["package",e=>e.f.package],["installed_version",e=>e.f.installed_version],["fixed_version",e=>e.f.fixed_version],["scanned_at",e=>e.im.scanned_at]],Cs=[["id",e=>e.id],["worst_severity",e=>e.severity],["images",e=>e.images]];function Ht({id:e,query:t}){let[s,a]=be(t.q||e||""),r=t.q||"",{data:n,error:o}=L(()=>e?Promise.resolve(null):x("/api/v1/vulnerabilities"+V({q:r,limit:100})),[r,e]);async function l(u){u.preventDefault();let _=s.trim();if(/^(CVE|GHSA|GO|PYSEC|RUSTSEC|ALSA|DSA|DLA|OSV)-/i.test(_))try{let p=(await x("/api/v1/vulnerabilities"+V({q:_,limit:5}))).find(m=>m.id.toLowerCase()===_.toLowerCase());if(p)return re(["vulnerabilities",p.id])}catch{}re(["vulnerabilities"],{q:_})}return i`
    ${e?i`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/vulnerabilities">Vulnerabilities</a> ›</nav>`:i`<div class="page-head"><h1>Vulnerabilities</h1></div>`}
    <form class="filters" role="search" aria-label="Find a vulnerability" onSubmit=${l}>
      <div class="field grow">
        <label for="cve-q">Vulnerability ID</label>
        <input id="cve-q" type="search" placeholder="CVE-2024-9143, GHSA-…, GO-…" value=${s} onInput=${u=>a(u.currentTarget.value)} />
      </div>
      <button type="submit" class="primary">Find</button>
    </form>
    ${e?i`<${xs} key=${e} id=${e} />`:i`
        <${C} error=${o} />
        ${!n&&!o&&i`<${T} />`}
        ${n&&n.length===0&&i`<p class="empty">${r?"No scanned image has a vulnerability matching \u201C"+r+"\u201D.":"No findings stored yet."}</p>`}
        ${n&&n.length>0&&i`<div class="list-tools"><h2>${r?"Matching vulnerabilities":"Most widespread vulnerabilities"}</h2>
          <${E} name="vulnerabilities" columns=${Cs} rows=${()=>x("/api/v1/vulnerabilities"+V({q:r,limit:1e3}))} /></div>
        <div class="table-wrap"><table class="data">
          <caption class="sr-only">Vulnerabilities and how many images have them</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Worst severity</th><th scope="col" class="num">Images</th></tr></thead>
          <tbody>${n.map(u=>i`<tr key=${u.id}><th scope="row"><a href=${N(["vulnerabilities",u.id])}>${u.id}</a></th>
              <td><span class=${H(u.severity)}>${u.severity}</span></td><td class="num">${u.images}</td></tr>`)}</tbody>
        </table></div>`}`}`}var Ls=[["id",e=>e.id],["name",e=>e.name],["state",e=>e.state],["version",e=>e.version],["concurrency",e=>e.concurrency],["current_images",e=>e.current_images||[]],["done",e=>e.done],["failed",e=>e.failed],["db_digest",e=>e.db_digest],["last_seen",e=>e.last_seen]];function Es(e){let t=(new Date(e.last_seen)-new Date(e.registered_at))/6e4;return!(t>.05)||!e.done?"\u2014":(e.done/t).toFixed(1)+"/min"}function Is({cfg:e,onSaved:t}){let[s,a]=k({...e}),[r,n]=k(null);async function o(l){l.preventDefault(),n(null);try{await x("/api/v1/autoscaler",{method:"PUT",body:{strategy:s.strategy,minScannerPods:Number(s.minScannerPods),maxScannerPods:Number(s.maxScannerPods)}}),t()}catch(u){n(u)}}return i`<form class="inline-form" onSubmit=${o} aria-label="Auto-scaler settings">
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
  </form>`}function Bt({role:e}){let t=L(()=>x("/api/v1/scanners"),[],3e3),s=L(()=>x("/api/v1/queue/history"),[],5e3),a=L(()=>x("/api/v1/autoscaler"),[],5e3),r=(t.data||[]).slice().sort((l,u)=>(l.state==="active"?0:1)-(u.state==="active"?0:1)),n=s.data?.samples||[],o=n[n.length-1];return i`
    <div class="page-head"><h1>Scanners</h1></div>
    ${o&&i`<ul class="stats" aria-label="Queue now">
      <li><strong>${o.queued}</strong> waiting</li><li><strong>${o.leased}</strong> scanning</li>
      <li><strong>${o.done}</strong> done</li><li><strong>${o.failed}</strong> failed</li>
      <li><strong>${o.scanners}</strong> active scanners</li>
    </ul>`}
    <${C} error=${s.error} />
    <${xe} samples=${n} title="Queue length"
      series=${[{key:"queued",label:"waiting",color:"#d2461c"},{key:"leased",label:"scanning",color:"#2f6db3"},{key:"scanners",label:"scanners",color:"#2e7d32"}]} />
    <div class="list-tools"><h2>Scanners</h2>${r.length>0&&i`<${E} name="scanners" columns=${Ls} rows=${()=>r} />`}</div>
    <${C} error=${t.error} />
    ${!t.data&&!t.error&&i`<${T} />`}
    ${t.data&&r.length===0&&i`<p class="empty">No scanner has registered. Start one with <code>scanfleet scanner --controller URL --token TOKEN</code>, or let the auto-scaler start them.</p>`}
    ${r.length>0&&i`<div class="table-wrap"><table class="data">
      <caption class="sr-only">Registered scanners</caption>
      <thead><tr><th scope="col">Scanner</th><th scope="col">State</th><th scope="col">Current images</th>
        <th scope="col" class="num">Done / failed</th><th scope="col" class="num">Throughput</th><th scope="col" class="hide-sm">Database</th><th scope="col" class="hide-sm">Last seen</th></tr></thead>
      <tbody>${r.map(l=>i`<tr key=${l.id}>
          <th scope="row">${l.name||l.id}<div class="small muted mono">${l.id} · v${l.version} · ×${l.concurrency}</div></th>
          <td><span class=${"state-badge "+l.state}>${l.state}</span></td>
          <td class="small mono">${(l.current_images||[]).length?l.current_images.map(u=>i`<div class="break">${u}</div>`):i`<span class="muted">idle</span>`}</td>
          <td class="num">${l.done} / ${l.failed}</td>
          <td class="num">${Es(l)}</td>
          <td class="hide-sm mono small">${l.db_digest?D(l.db_digest):i`<span class="muted">none</span>`}</td>
          <td class="hide-sm" title=${U(l.last_seen)}>${M(l.last_seen)}</td>
        </tr>`)}</tbody>
    </table></div>`}
    <h2>Auto-scaler</h2>
    <${C} error=${a.error} />
    ${a.data&&(a.data.enabled?i`<p>Strategy <strong>${a.data.config.strategy}</strong>, ${a.data.config.minScannerPods}–${a.data.config.maxScannerPods} scanners${a.data.replicas!==void 0?i`, <strong>${a.data.replicas}</strong> wanted now`:""}.</p>
        ${e==="admin"&&i`<${Is} key=${JSON.stringify(a.data.config)} cfg=${a.data.config} onSaved=${a.reload} />`}
        <h3>Events</h3>
        ${a.data.events.length===0?i`<p class="empty">No scaling events yet.</p>`:i`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Auto-scaler events, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Scanners</th><th scope="col" class="num">Queued</th><th scope="col" class="hide-sm">Reason</th></tr></thead>
          <tbody>${a.data.events.slice().reverse().map((l,u)=>i`<tr key=${u}><td title=${U(l.time)}>${M(l.time)}</td><td>${l.kind}</td><td>${l.from} → ${l.to}</td>
              <td class="num">${l.taskCount}</td><td class="hide-sm small">${l.reason}</td></tr>`)}</tbody></table></div>`}`:i`<p class="empty">This controller does not start scanners itself (start it with <code>--local-scanners-max N</code> to let it scale them).</p>`)}`}var Ns=[["name",e=>e.name],["action",e=>e.action],["disabled",e=>!!e.disabled],["mode",e=>e.mode],["criteria",e=>qt(e.criteria)],["comment",e=>e.comment]],Ps=[["at",e=>e.d.at],["kind",e=>e.d.kind],["namespace",e=>e.d.namespace],["name",e=>e.d.name],["operation",e=>e.d.operation],["user",e=>e.d.user],["result",e=>e.d.result],["image",e=>e.im?.image],["digest",e=>e.im?.digest],["verdict",e=>e.im?.verdict?.action],["rule",e=>e.im?.verdict?.rule],["reason",e=>e.im?.verdict?.reason]];async function Ze(e){try{return{value:await x(e)}}catch(t){if(t instanceof X&&t.status===404)return{absent:!0};throw t}}function qt(e){return!e||typeof e!="object"?"":Object.entries(e).filter(([,t])=>t!=null&&t!==""&&t!==!1&&!(Array.isArray(t)&&t.length===0)).map(([t,s])=>{let a=t.replace(/_/g," ");return s===!0?a:Array.isArray(s)?a+": "+s.join(", "):typeof s=="object"?a+": "+Object.entries(s).map(([r,n])=>r+"="+n).join(", "):a+": "+s}).join("; ")}function Ts(e){return e==="denied"?"result deny":e==="would_deny"?"result warn-result":"result allow"}function Wt(){return i`<div class="page-head"><h1>Admission</h1></div>
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
      ${!t.data&&!t.error&&i`<${T} />`}
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
      <div class="list-tools"><h2>Recent decisions</h2>${n.length>0&&i`<${E} name="admission-decisions" columns=${Ps}
          rows=${async()=>(await x("/api/v1/admission/decisions?limit=1000")).flatMap(u=>(u.images||[]).length?u.images.map(_=>({d:u,im:_})):[{d:u}])} />`}</div>
      <${C} error=${s.error} />
      ${!s.data&&!s.error&&i`<${T} />`}
      ${s.data&&(n.length===0?i`<p class="empty">No decisions yet.</p>`:i`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Recent admission decisions, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Workload</th><th scope="col">Result</th><th scope="col">Images</th><th scope="col" class="hide-sm">Message</th></tr></thead>
          <tbody>${n.map(l=>i`<tr key=${l.id}>
              <td title=${U(l.at)}>${M(l.at)}</td>
              <th scope="row">${l.kind} ${l.namespace}/${l.name}<div class="small muted">${l.operation} by ${l.user}${l.dry_run?" (dry run)":""}</div></th>
              <td><span class=${Ts(l.result)}>${(l.result||"").replace("_"," ")}</span></td>
              <td class="small">${(l.images||[]).map(u=>i`<div class="break"><span class="mono">${u.image}</span>: ${u.verdict?.action||"?"}${u.verdict?.rule?" by "+u.verdict.rule:""}
                  ${u.verdict?.reason&&i`<span class="muted"> — ${u.verdict.reason}</span>`}</div>`)}</td>
              <td class="hide-sm small">${l.message}</td>
            </tr>`)}</tbody></table></div>`)}`}`}var de=e=>Object.values(e||{}).reduce((t,s)=>t+s,0),Rs=[["registry",e=>e.registry],["repository",e=>e.repository],["tag",e=>e.tag],["digest",e=>e.digest],["not_covered",e=>e.not_covered],["packages",e=>e.packages]],As=[["id",e=>e.id],["severity",e=>e.severity],["images",e=>e.images],["packages",e=>e.packages]],Ds=[["day",e=>e.day],["images",e=>e.images],["not_covered",e=>e.not_covered],["scans",e=>e.scans],...A.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>de(e.fixable)]];function Kt(){let{data:e,error:t}=L(()=>x("/api/v1/console/overview"),[],15e3);if(t&&!e)return i`<div class="page-head"><h1>Overview</h1></div><${C} error=${t} />`;if(!e)return i`<div class="page-head"><h1>Overview</h1></div><${T} />`;let s=de(e.severities),a=de(e.fixable),r=e.days.map(o=>({time:o.day+"T12:00:00Z",scans:o.scans,not_covered:o.not_covered,...Object.fromEntries(A.map(l=>[l,(o.severities||{})[l]||0]))})),n=o=>new Date(o).toLocaleDateString([],{month:"short",day:"numeric"});return i`
    <div class="page-head"><h1>Overview</h1></div>
    <${C} error=${t} />
    <ul class="tiles" aria-label="Fleet totals">
      <li class="tile"><a href="#/images"><span class="n">${e.images}</span></a><span class="l">images scanned</span></li>
      <li class="tile"><a href="#/hosts"><span class="n">${e.hosts}</span></a><span class="l">hosts scanned</span></li>
      <li class="tile"><span class="n">${s}</span><span class="l">findings, ${a} with a fix</span></li>
      <li class=${"tile"+(e.not_covered?" alert":"")}><a href=${N(["images"],{coverage:"not_covered"})}><span class="n" data-testid="not-covered">${e.not_covered}</span></a>
        <span class="l">images not covered by the database: their counts are incomplete</span></li>
      ${e.coverage_unknown>0&&i`<li class="tile"><a href=${N(["images"],{coverage:"unknown"})}><span class="n">${e.coverage_unknown}</span></a><span class="l">images whose coverage is unknown</span></li>`}
    </ul>
    <div class="two-col">
      <${G} counts=${e.severities} fixable=${e.fixable} title="Findings in all images by severity" />
      <${Ot} days=${e.days} valueKey="scans" title="Scans per day" />
    </div>
    <${xe} samples=${r} title="Findings by severity, per day" timeFmt=${n}
      series=${A.filter(o=>r.some(l=>l[o]>0)).map(o=>({key:o,label:o.toLowerCase(),color:le(o)}))} />
    ${r.length<2&&i`<p class="hint">Trends start with the day this controller first recorded its totals; come back tomorrow.</p>`}

    <div class="list-tools"><h2>Most widespread fixable findings</h2>
      <${E} name="fixable-findings" columns=${As} rows=${()=>e.top_fixable} /></div>
    ${e.top_fixable.length===0?i`<p class="empty">No finding with a fixed version.</p>`:i`<div class="table-wrap"><table class="data top-fixable">
      <caption class="sr-only">Vulnerabilities with a fix, by how many images carry them</caption>
      <thead><tr><th scope="col">Vulnerability</th><th scope="col">Severity</th><th scope="col" class="num">Images</th><th scope="col">Packages</th></tr></thead>
      <tbody>${e.top_fixable.map(o=>i`<tr key=${o.id}><th scope="row"><a href=${N(["vulnerabilities",o.id])}>${o.id}</a></th>
          <td><span class=${H(o.severity)}>${o.severity}</span></td><td class="num">${o.images}</td><td>${o.packages.join(", ")}</td></tr>`)}</tbody></table></div>`}

    <div class="list-tools"><h2>Images not covered by the database</h2>
      <${E} name="not-covered-images" columns=${Rs} rows=${()=>e.uncovered} /></div>
    ${e.uncovered.length===0?i`<p class="empty">The database covers every scanned image's OS and ecosystems.</p>`:i`<div class="table-wrap"><table class="data uncovered">
      <caption class="sr-only">Images whose OS release or ecosystems the database has no data for</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">No data for</th><th scope="col" class="num">Packages</th></tr></thead>
      <tbody>${e.uncovered.map(o=>i`<tr key=${o.registry+o.repository+o.digest}><th scope="row"><a href=${N(["image",o.digest])}>${o.repository}:${o.tag}</a>
          <div class="small muted mono">${o.registry} · ${D(o.digest)}</div></th>
          <td><span class="nc-badge">${o.not_covered.join(", ")}</span></td><td class="num">${o.packages}</td></tr>`)}</tbody></table></div>`}
    <div class="list-tools"><h2>Daily totals</h2><${E} name="daily-totals" columns=${Ds} rows=${()=>e.days} /></div>
    <div class="table-wrap"><table class="data days">
      <caption class="sr-only">Totals per day, newest first</caption>
      <thead><tr><th scope="col">Day</th><th scope="col" class="num">Scans</th><th scope="col" class="num">Images</th>
        <th scope="col" class="num">Not covered</th><th scope="col" class="num">Findings</th><th scope="col" class="num hide-sm">With a fix</th></tr></thead>
      <tbody>${[...e.days].reverse().map(o=>i`<tr key=${o.day}><th scope="row">${o.day}</th><td class="num">${o.scans}</td><td class="num">${o.images}</td>
          <td class="num">${o.not_covered}</td><td class="num">${de(o.severities)}</td><td class="num hide-sm">${de(o.fixable)}</td></tr>`)}</tbody></table></div>`}var Ms=[["name",e=>e.name],["hostname",e=>e.hostname],["os",e=>e.os],["kernel",e=>e.kernel],["root",e=>e.root],["coverage",e=>e.coverage],["not_covered",e=>e.not_covered||[]],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...A.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["scanned_by",e=>e.scanned_by],["scanned_at",e=>e.scanned_at]];function zt(){let{data:e,error:t}=L(()=>x("/api/v1/console/hosts"),[],15e3);return i`
    <div class="page-head"><h1>Hosts</h1></div>
    <${C} error=${t} />
    ${!e&&!t&&i`<${T} />`}
    ${e&&(e.length===0?i`<p class="empty">No host has sent a scan yet. Run <code>scanfleet host --controller URL</code> on a machine (or in a container with <code>--root /proc/1/root</code>).</p>`:i`
      <div class="list-tools"><p role="status"><strong>${e.length}</strong> host${e.length===1?"":"s"}${e.some(s=>s.coverage==="not_covered")?i`, <strong>${e.filter(s=>s.coverage==="not_covered").length}</strong> not covered`:""}</p><${E} name="hosts" columns=${Ms} rows=${()=>e} /></div>
      <div class="table-wrap"><table class="data hosts">
        <caption class="sr-only">Scanned hosts</caption>
        <thead><tr><th scope="col">Host</th><th scope="col" class="hide-sm">OS · kernel</th><th scope="col">Findings by severity</th>
          <th scope="col" class="num hide-sm">Packages</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
        <tbody>${e.map(s=>i`<tr key=${s.name}>
            <th scope="row"><a href=${N(["host",s.name])}>${s.name}</a>
              ${s.hostname!==s.name&&i`<div class="small muted">${s.hostname}</div>`}
              <div class="small muted mono">${s.root}</div></th>
            <td class="hide-sm">${s.os||i`<span class="muted">unknown</span>`}${s.kernel&&i`<div class="small muted">kernel ${s.kernel}</div>`}</td>
            <td><${qe} sev=${s.severities} coverage=${s.coverage} notCovered=${s.not_covered} /></td>
            <td class="num hide-sm">${s.packages}</td>
            <td class="hide-sm" title=${s.scanned_at}>${M(s.scanned_at)}<div class="small muted">${s.scanned_by}</div></td>
          </tr>`)}</tbody>
      </table></div>`)}`}var Os=[["findings","Findings"],["packages","Packages"]];function Yt({name:e}){let{data:t,error:s}=L(()=>x("/api/v1/hosts/"+encodeURIComponent(e)),[e]),[a,r]=k("findings"),n=i`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/hosts">Hosts</a> ›</nav>`;if(s)return i`${n}<h1 class="break">${e}</h1><${C} error=${s} />`;if(!t)return i`${n}<h1 class="break">${e}</h1><${T} />`;let o=t.host||{},l=t.os?t.os.pretty_name||t.os.id+" "+(t.os.version_id||""):"unknown",u=(t.coverage||[]).filter(m=>!m.covered),_={},c={};for(let m of t.vulnerabilities||[]){let d=(m.severity||"UNKNOWN").toUpperCase();_[d]=(_[d]||0)+1,m.fixed_version&&(c[d]=(c[d]||0)+1)}let p=e.replace(/[^A-Za-z0-9._-]+/g,"_");return i`
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
    ${u.length>0&&i`<p class="warn" role="note">Not covered by the database: ${u.map(m=>m.ecosystem+" ("+m.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    ${!t.coverage&&(t.packages||[]).length>0&&i`<p class="note"><${we} coverage="unknown" /></p>`}
    <div class="downloads"><button type="button" class="small" onClick=${()=>He(p+".json",JSON.stringify(t,null,2),"application/json")}>Download report (JSON)</button></div>
    <${G} counts=${_} fixable=${c} />
    <div class="tabs" role="tablist" aria-label="Report sections">
      ${Os.map(([m,d])=>i`<button type="button" role="tab" id=${"tab-"+m} aria-controls=${"panel-"+m}
          aria-selected=${a===m?"true":"false"} tabindex=${a===m?0:-1} onClick=${()=>r(m)}>${d}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+a} aria-labelledby=${"tab-"+a} class="panel">
      ${a==="findings"&&i`<${Ye} rep=${t} name=${p} />`}
      ${a==="packages"&&i`<${Je} rep=${t} name=${p} />`}
    </section>`}var Us=[{key:"overview",label:"Overview"},{key:"registries",label:"Registries"},{key:"images",label:"Images"},{key:"hosts",label:"Hosts"},{key:"vulnerabilities",label:"Vulnerabilities"},{key:"scanners",label:"Scanners"},{key:"admission",label:"Admission",needs:"admission_webhook"}];function js(){let[e,t]=k(Ve());return F(()=>{let s=()=>t(Ve());return addEventListener("hashchange",s),()=>removeEventListener("hashchange",s)},[]),e}function Fs({onLogin:e}){let[t,s]=k(""),[a,r]=k(""),[n,o]=k(!1);async function l(u){u.preventDefault(),o(!0),r("");let _=t.trim();try{let c=await x("/api/v1/whoami",{token:_});e(c),ye(_)}catch(c){r(c.status===401?"This token is not valid.":c.message),o(!1)}}return i`<main id="main" class="login">
    <form class="card login-card" onSubmit=${l} aria-labelledby="login-title">
      <h1 id="login-title"><img src="/console/favicon.svg" alt="" width="28" height="28" /> Scanfleet</h1>
      <p>Log in with an API token (<code>scanfleet controller token create --role admin|reader</code>).</p>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required
        value=${t} onInput=${u=>s(u.currentTarget.value)} autofocus />
      ${a&&i`<p class="error" role="alert">${a}</p>`}
      <button type="submit" class="primary" disabled=${n}>${n?"Checking\u2026":"Log in"}</button>
    </form>
  </main>`}function Vs({role:e,who:t,route:s,onLogout:a}){let r=s.parts[0]||"images",n=Q(null),o=Q(!0);F(()=>{if(o.current){o.current=!1;return}n.current&&n.current.focus()},[r,s.parts[1]]);let l;switch(r){case"registries":l=i`<${At} role=${e} />`;break;case"image":l=i`<${Ft} key=${s.parts[1]} digest=${s.parts[1]} query=${s.query} />`;break;case"vulnerabilities":l=i`<${Ht} id=${s.parts[1]} query=${s.query} />`;break;case"scanners":l=i`<${Bt} role=${e} />`;break;case"admission":l=t&&!t.admission_webhook?i`<${Wt} />`:i`<${Gt} />`;break;case"overview":l=i`<${Kt} />`;break;case"hosts":l=i`<${zt} />`;break;case"host":l=i`<${Yt} key=${s.parts[1]} name=${s.parts[1]} />`;break;case"images":l=i`<${Ut} query=${s.query} />`;break;default:l=i`<h1>Not found</h1><p>No page “${r}”. <a href="#/images">Go to images</a>.</p>`}let u=r==="image"?"images":r==="host"?"hosts":r,_=Us.filter(c=>!c.needs||t&&t[c.needs]);return i`
    <a class="skip" href="#main" onClick=${c=>{c.preventDefault(),n.current.focus()}}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/images"><img src="/console/favicon.svg" alt="" width="24" height="24" /> Scanfleet</a>
      <nav aria-label="Main">
        <ul>
          ${_.map(c=>i`<li><a href=${N([c.key])} aria-current=${u===c.key?"page":void 0}>${c.label}</a></li>`)}
        </ul>
      </nav>
      <div class="who">
        <span class="role" title="Role of your token">${e}</span>
        <button type="button" class="link" onClick=${a}>Log out</button>
      </div>
    </header>
    <main id="main" tabindex="-1" ref=${n}>${l}</main>`}function Hs(){let e=js(),[t,s]=k(St()),[a,r]=k(null),n=a?a.role:"";return F(()=>Ct(o=>s(o)),[]),F(()=>{!t||a||x("/api/v1/whoami").then(o=>r(o)).catch(()=>{})},[t]),F(()=>{document.title="Scanfleet \xB7 "+(t?e.parts[0]||"images":"log in")},[t,e.parts[0]]),t?i`<${Vs} role=${n} who=${a} route=${e} onLogout=${()=>{r(null),ye("")}} />`:i`<${Fs} onLogin=${o=>r(o)} />`}ut(i`<${Hs} />`,document.getElementById("app"));
