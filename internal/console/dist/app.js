var S,et,zt,q,xe,_e,tt,me,st,Ce,Se,Jt,te=Symbol.for("pv"),ge={},$e=[],Zt=/^m(i|n|o|s|text|space)$/,Le=Array.isArray,Ee=$e.slice,J=Object.assign;function z(e){e&&e.parentNode&&e.remove()}function at(e,t,s){var a,r,o,n={},l=arguments.length;for(o in t)o=="key"?a=t[o]:o=="ref"&&typeof e!="function"?r=t[o]:n[o]=t[o];return l>2&&(n.children=l>3?Ee.call(arguments,2):s),ee(e,n,a,r,null)}function ee(e,t,s,a,r){var o={type:e,props:t,key:s,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:te,__v:r||++et,__i:-1,__u:0};return!r&&S.vnode&&S.vnode(o),o}function ve(e){return e.children}function fe(e,t){this.props=e,this.context=t,this.__g=0}function W(e,t){if(t==null)return e.__&&W(e.__,e.__i+1);for(var s;t<e.__k.length;t++)if((s=e.__k[t])&&s.__e)return s.__e;return typeof e.type!="function"||e.props.__P?null:W(e)}function Qt(e){var t,s=e.__v,a=s.__e,r=[],o=[],n=e.__P;n&&((t=J({constructor:te},s)).__v=s.__v+1,S.vnode&&S.vnode(t),Ne(n,t,s,e.__n,n.namespaceURI,32&s.__u?[a]:null,r,a||W(s),32&s.__u,o),t.__v=s.__v,t.__.__k[t.__i]=t,ct(r,t,o),s.__=s.__e=null,t.__e!=a&&nt(t))}function nt(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),nt(e)}function Qe(e){(8&e.__g||(e.__g|=8,q.push(e),_e++))&&xe==S.debounceRendering||((xe=S.debounceRendering)||queueMicrotask)(ot)}function ot(){try{for(var e,t=1;q.length;)q.length>t&&q.sort(tt),e=q.shift(),t=q.length,8&e.__g&&Qt(e)}finally{(_e=q.length)&&(xe||queueMicrotask)(ot)}}function rt(e,t,s,a,r,o,n,l,u,h,d){var p,m,c,_,$,b,g=a.__k||$e,v=t.length;for(u=Xt(s,t,g,u,v),p=0;p<v;p++)(c=s.__k[p])!=null&&(m=~c.__i&&g[c.__i]||ge,c.__i=p,b=Ne(e,c,m,r,o,n,l,u,h,d),_=c.__e,(m.ref!=c.ref||8&m.__u)&&(m.ref&&Te(m.ref,null,c,m),c.ref&&d.push(c.ref,c.__c||_,c)),$=$||_,4&c.__u?(u=it(c,u,e,!m.__v),m.__e&&(m.__e=null)):typeof c.type=="function"&&b!==void 0?u=b:_&&(u=_.nextSibling),c.__u&=-21);return s.__e=$,u}function Xt(e,t,s,a,r){var o,n,l,u,h,d,p,m,c,_=s.length,$=_,b=0,g=0,v=e.__k=Array(r);for(o=0;o<r;o++)(n=t[o])!=null&&typeof n!="boolean"&&typeof n!="function"?(typeof n!="object"||n.constructor===String?n=v[o]=ee(null,n):Le(n)?n=v[o]=ee(ve,{children:n}):n.constructor===te&&n.__b?n=v[o]=ee(n.type,n.props,n.key,n.ref,n.__v):v[o]=n,u=o+b,n.__=e,n.__b=e.__b+1,l=null,~(h=n.__i=es(n,s,u,$))&&($--,(l=s[h])&&(l.__u|=2)),l&&l.__v?(n.__u|=16,h==u-1?b--:h==u+1?b++:h!=u&&(h>u?b--:b++,g=1)):(~h||(r>_?b--:r<_&&b++),typeof n.type!="function"&&(n.__u|=4))):v[o]=null;if(g){for(d=[],p=[],o=0;o<r;o++)if((n=v[o])&&16&n.__u){for(b=0,m=d.length;b<m;)d[c=b+m>>1]<n.__i?b=c+1:m=c;d[b]=n.__i,p[o]=b+1}for(b=d.length;o--;)p[o]&&(p[o]==b?b--:v[o].__u|=4)}if($)for(o=0;o<_;o++)!(l=s[o])||2&l.__u||(l.__e==a&&(a=W(l)),Ie(l,l));return a}function it(e,t,s,a){var r,o,n,l;if(typeof e.type=="function"){if(e.props.__P)return t;if(r=e.__k)for(o=0;o<r.length;o++)r[o]&&(r[o].__=e,t=it(r[o],t,s,!1));return t}for(t&&!t.parentNode&&(t=W(e))&&!t.parentNode&&(t=null),n=e.__e,l=t;l&&l.nodeType==8;)l=l.nextSibling;for(n!=l&&(!a&&s.moveBefore&&n.parentNode?s.moveBefore(n,t):s.insertBefore(n,t||null)),t=n;(t=t&&t.nextSibling)&&t.nodeType==8&&!t.data.startsWith("$s"););return t}function es(e,t,s,a){var r,o=e.key,n=e.type,l=t[s],u=l&&!(2&l.__u);if(l===null&&o==null||u&&o==l.key&&n==l.type)return s;if(a>(u?1:0)){for(r=s-1;r>=0;r--)if((l=t[r])&&!(2&l.__u)&&o==l.key&&n==l.type)return r;for(r=s+1;r<t.length;r++)if((l=t[r])&&!(2&l.__u)&&o==l.key&&n==l.type)return r}return-1}function Xe(e,t,s){s==null&&(s=""),t[0]=="-"?e.setProperty(t,s):e[t]=s}function pe(e,t,s,a,r){var o,n;if(t=="style")if(typeof s=="string")e.style.cssText=s;else{if(typeof a=="string"&&(e.style.cssText=a=""),a)for(t in a)s&&t in s||Xe(e.style,t);if(s)for(t in s)a&&s[t]==a[t]||Xe(e.style,t,s[t])}else if(t[0]=="o"&&t[1]=="n")typeof s!="function"&&(s=null),typeof a!="function"&&(a=null),(e.__e||(e.__e={}))[t]=s,s&&a||(n=Se[t]||(Se[t]=ts(t)),(e.__a||(e.__a={}))[t]=Ce,o=t!=(t=t.replace(st,"$1")),(t=t.slice(2))[0]<"a"&&(t=t.toLowerCase()),s?e.addEventListener(t,n,o):e.removeEventListener(t,n,o));else{if(r=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{return void(e[t]=s??"")}catch{}if(typeof s=="function")return;s==null||s===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&s==1?"":s)}}function ts(e){return function(t){var s=this.__e;if(s){if(s=s[e],t[me]==null)t[me]=Ce++;else if(t[me]<this.__a[e])return;return s(S.event?S.event(t):t)}}}function Ne(e,t,s,a,r,o,n,l,u,h){var d,p,m,c,_,$,b,g,v,f,y,k,R,ue,G,Ze,H,Y,j=t.type;if(t.constructor!==te)return null;128&s.__u&&(u=32&s.__u,d=s.__c.__z)&&(t.__u|=u,p=o=[],d.nodeType==8?l=he(d,o):o.push(d),l=o[0]||l),(d=S.__b)&&d(t);e:if(typeof j=="function"){m=n.length;try{if(g=t.props,v=(d=j.prototype)&&d.render,f=(d=j.contextType)&&a[d.__c],y=d?f?f.props.value:d.__:a,(c=s.__c)?(t.__c=c,2&c.__g&&(c.__g|=1)):(v?t.__c=c=new j(g,y):(t.__c=c=new fe(g,y),c.constructor=j,c.render=as),f&&f.sub(c),c.state||(c.state={}),c.__n=a,c.__g|=8,c.__h=[],c.__k=[]),v&&(c.__s||(c.__s=c.state),j.getDerivedStateFromProps&&(c.__s==c.state&&(c.__s=J({},c.__s)),J(c.__s,j.getDerivedStateFromProps(g,c.__s)))),_=c.props,$=c.state,c.__v=t,s.__c){if(g!==_&&v&&!j.getDerivedStateFromProps&&c.componentWillReceiveProps&&c.componentWillReceiveProps(g,y),t.__v==s.__v&&!(8&c.__g)||!(4&c.__g)&&c.shouldComponentUpdate&&c.shouldComponentUpdate(g,c.__s,y)===!1){t.__v!=s.__v&&(c.props=g,c.state=c.__s,c.__g&=-9),t.__e=s.__e,t.__k=s.__k,t.__k.some(function(O){O&&(O.__=t)}),$e.push.apply(c.__h,c.__k),c.__k=[],c.__h.length&&n.push(c),l=W(s);break e}c.componentWillUpdate&&c.componentWillUpdate(g,c.__s,y),v&&c.componentDidUpdate&&c.__h.push(function(){c.componentDidUpdate(_,$,b)})}else v&&!j.getDerivedStateFromProps&&c.componentWillMount&&c.componentWillMount(),v&&c.componentDidMount&&c.__h.push(c.componentDidMount);c.context=y,c.props=g,c.__P=e,c.__g&=-5,k=S.__r,R=v?25:0;do c.__g&=-9,k&&k(t),d=c.render(c.props,c.state=c.__s,c.context);while(8&c.__g&&++R<25);v&&($e.push.apply(c.__h,c.__k),c.__k=[]),c.state=c.__s,c.getChildContext&&(a=J({},a,c.getChildContext())),v&&s.__c&&c.getSnapshotBeforeUpdate&&(b=c.getSnapshotBeforeUpdate(_,$)),ue=d&&d.type===ve&&d.key==null?d.props.children:d,g.__P&&(d=l,r=(e=g.__P).namespaceURI,u=o=null,s.props&&s.props.__P!=e&&(s.__k.some(function(O){O&&Ie(O,O)}),s.__k=null),l=s.__k?W(s,0):null),l=rt(e,Le(ue)?ue:[ue],t,s,a,r,o,n,l,u,h),g.__P&&(t.__e=null,l=d),t.__u&=-161,p&&p.some(z),c.__h.length&&n.push(c),1&c.__g&&(c.__g&=-4)}catch(O){if(n.length=m,t.__v=null,u||o)if(O&&O.then){if(t.__u|=128|u,o){for(~(H=o.indexOf(l||void 0))||(H=o.length);(Y=o[H-1])&&Y.nodeType==8;)H--;for(;H<o.length;H++)if(Y=o[H])if(o[H]=null,G){if(Y==Ze)break}else{if(Y.nodeType!=8)break;Y.data.startsWith("$s")&&(Ze=he(G=Y))}}if(!G){for(;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;G=l}(d=he(G=t.__c.__z||(t.__c.__z=G)))?(t.__e=G,l=d):t.__e=l,l=l&&l.nextSibling}else o&&o.some(z);else t.__e=s.__e;t.__k||(t.__k=s.__k||[]),O&&O.then||lt(t),S.__e(O,t,s)}}else l=t.__e=ss(s.__e,t,s,a,r,o,n,u,h,e);return(d=S.diffed)&&d(t),l}function he(e,t){if(e&&e.nodeType==8&&e.data.startsWith("$s"))for(var s=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith("$s"))s++;else if(e.data.startsWith("/$s")&&!--s)return e}t&&t.push(e)}}function lt(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(lt))}function ct(e,t,s){for(var a=0;a<s.length;)Te(s[a++],s[a++],s[a++]);S.__c&&S.__c(t,e),e.some(function(r){try{e=r.__h,r.__h=[],e.some(function(o){o.call(r)})}catch(o){S.__e(o,r.__v)}})}function ss(e,t,s,a,r,o,n,l,u,h){var d,p,m,c,_,$,b,g,v=s.props||ge,f=t.props,y=t.type;if(y=="svg"?r="http://www.w3.org/2000/svg":y=="math"?r="http://www.w3.org/1998/Math/MathML":r||(r="http://www.w3.org/1999/xhtml"),o){for(d=0;d<o.length;d++)if((_=o[d])&&(y?_.localName==y:_.nodeType==3)){e=_,o[d]=null;break}}if(!e){if(g=h.ownerDocument||document,!y)return g.createTextNode(f);e=g.createElementNS(r,y,f.is?f:h),l&&(S.__m&&S.__m(t,o),l=!1),o=null}if(y){if(h=y=="template"&&e.content||e,o=y=="textarea"&&f.defaultValue!=null?null:o&&Ee.call(h.childNodes),!l&&o)for(v={},d=0;d<e.attributes.length;d++)v[(_=e.attributes[d]).name]=_.value;for(d in v)_=v[d],d=="dangerouslySetInnerHTML"?m=_:d=="children"||d in f||d=="value"&&"defaultValue"in f||d=="checked"&&"defaultChecked"in f||pe(e,d,null,_,r);for(d in f)_=f[d],d=="children"?c=_:d=="dangerouslySetInnerHTML"?p=_:d=="value"?$=_:d=="checked"?b=_:l&&typeof _!="function"||v[d]===_||pe(e,d,_,v[d],r);p?(l||m&&(p.__html==m.__html||p.__html==e.innerHTML)||(e.innerHTML=p.__html),t.__k=[]):(m&&(e.textContent=""),(y=="foreignObject"||r=="http://www.w3.org/1998/Math/MathML"&&Zt.test(y))&&(r="http://www.w3.org/1999/xhtml"),rt(h,Le(c)?c:[c],t,s,a,r,o,n,o?o[0]:s.__k&&W(s,0),l,u),o&&o.some(z)),l&&y!="textarea"||(d="value",y=="progress"&&$==null?e.removeAttribute(d):$==null||$===e[d]&&(y!="progress"||$)||pe(e,d,$,v[d],r),d="checked",b!=null&&b!=e[d]&&pe(e,d,b,v[d],r))}else v===f||l&&e.data==f||(e.data=f);return e}function Te(e,t,s,a){try{typeof e=="function"?t?t.__x=e(t)||1:a&&(a=a.__c||a.__e)&&(t=a.__x)&&(a.__x=null,typeof t=="function"?t():e(null)):e.current=t}catch(r){S.__e(r,s)}}function Ie(e,t,s){var a,r,o,n;if(S.unmount&&S.unmount(e),!(a=e.ref)||a.current&&a.current!=e.__e||Te(a,null,t,e),a=e.__c){if(a.componentWillUnmount)try{a.componentWillUnmount()}catch(l){S.__e(l,t)}a.__P=a.__n=null}if(a=e.__k)for(n=0;n<a.length;n++)a[n]&&Ie(a[n],t,typeof e.type!="function"||s&&!e.props.__P);!s&&(a=e.__c)&&(a=a.__z)&&(r=he(a,o=[]))&&(a==e.__e&&o.some(z),z(r),z(a)),s||z(e.__e),e.__e=e.__c=e.__=null}function as(e,t,s){return this.constructor(e,s)}function dt(e,t){var s,a,r,o;S.__&&S.__(e,t),t.nodeType==9&&(t=t.documentElement),a=(s=e&&32&e.__u)?null:t.__k,t.__k=ee(ve,{children:[e]}),r=[],o=[],Ne(t,t.__k,a||ge,ge,t.namespaceURI,a?null:t.firstChild?Ee.call(t.childNodes):null,r,a?a.__e:t.firstChild,s,o),ct(r,t.__k,o),t.__k.props.children=null}S={__e:function(e,t,s,a){for(var r,o,n;t=t.__;)if((r=t.__c)&&!(1&r.__g)){r.__g|=4;try{if((n=(o=r.constructor)&&o.getDerivedStateFromError)&&r.setState(o.getDerivedStateFromError(e)),r.componentDidCatch&&(r.componentDidCatch(e,a||{}),n=1),n&&8&r.__g)return void(r.__g|=2)}catch(l){e=l}}throw _e=0,e}},et=0,zt=function(e){return e!=null&&e.constructor===te},fe.prototype.setState=function(e,t){var s=this.__s;s&&s!=this.state||(s=this.__s=J({},this.state)),typeof e=="function"&&(e=e(J({},s),this.props)),e&&(J(s,e),this.__v&&(t&&this.__k.push(t),Qe(this)))},fe.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),Qe(this))},fe.prototype.render=ve,q=[],_e=0,tt=function(e,t){return e.__v.__b-t.__v.__b},me=Symbol(),st=/(PointerCapture)$|Capture$/i,Ce=0,Se={},Jt=0;var ae,I,Pe,ut,Re=Object.is,ne=0,yt=[],Ae=[],N=S,pt=N.__b,mt=N.__r,ft=N.diffed,ht=N.__c,_t=N.unmount,gt=N.__;function Me(e,t){N.__h&&N.__h(I,e,ne||t),ne=0;var s=I.__H||(I.__H={__:[],__h:[]});return e>=s.__.length&&s.__.push({}),s.__[e]}function w(e){return ne=1,ns(wt,e)}function ns(e,t,s){var a=Me(ae++,2);if(a.t=e,!a.__c&&(a.__=[s?s(t):wt(void 0,t),function(o){var n=(a.__N||a.__)[0],l=a.t(n,o);Re(n,l)||(a.__N=[l,a.__[1]],a.__c.setState({}))}],a.__c=I,!I.__f)){I.__f=!0;var r=I.shouldComponentUpdate;I.shouldComponentUpdate=function(o,n,l){var u=this.__H;if(!u)return!0;var h=!1,d=this.props!=o;if(u.__.some(function(m){m.__N&&(h=!0,Re(m.__[0],m.__N[0])||(d=!0))}),r){var p=r.call(this,o,n,l);return h?p||d:p}return!h||d}}return a.__}function F(e,t){var s=Me(ae++,3);!N.__s&&kt(s.__H,t)&&(s.__P=!0,s.__=e,s.u=t,I.__H.__h.push(s))}function Q(e){return ne=5,oe(function(){return{current:e}},[])}function oe(e,t){var s=Me(ae++,7);return kt(s.__H,t)&&(s.__=e(),s.__H=t),s.__}function bt(e,t){return ne=8,oe(function(){return e},t)}function os(){var e;do{for(;e=Ae.shift();)try{se(e)}catch(s){N.__e(s,{__:(e=e.__P)&&e.__v})}for(;e=yt.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(se),t.__h.some(De),t.__h=[]}catch(s){t.__h=[],N.__e(s,e.__v)}}}while(Ae.length)}N.__b=function(e){I=null,pt&&pt(e)},N.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),gt&&gt(e,t)},N.__r=function(e){mt&&mt(e),ae=0;var t=(I=e.__c).__H;t&&(Pe==I?I.__h=[]:(t.__h.some(se),t.__h.some(De),ae=0),t.__h=[],t.__.some(function(s){s.__N&&(s.__=s.__N),s.u=s.__N=void 0})),Pe=I},N.diffed=function(e){ft&&ft(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&vt(yt.push(t)),t.__H.__.some(function(s){s.u&&(s.__H=s.u)})),Pe=I=null},N.__c=function(e,t){t.some(function(s){try{s.__h.some(se),s.__h=s.__h.filter(function(a){return!a.__||De(a)})}catch(a){s.__h=[function(){throw a}]}}),ht&&ht(e,t)},N.unmount=function(e){_t&&_t(e);var t,s,a=e.__c;a&&a.__H&&(a.__H.__.some(function(r){try{if(r.__P&&r.__c){if(s===void 0){for(s=e.__;s&&(!s.__c||!s.__c.__P);)s=s.__;s=s&&s.__c}r.__P=s,vt(Ae.push(r))}else se(r)}catch(o){t=o}}),a.__H=void 0,t&&N.__e(t,a.__v))};var $t=typeof requestAnimationFrame=="function";function rs(e){var t,s=function(){clearTimeout(a),$t&&cancelAnimationFrame(t),setTimeout(e)},a=setTimeout(s,35);$t&&(t=requestAnimationFrame(s))}function vt(e){e!=1&&ut==N.requestAnimationFrame||((ut=N.requestAnimationFrame)||rs)(os)}function se(e){var t=I,s=e.__c;typeof s=="function"&&(e.__c=void 0,s()),I=t}function De(e){var t=I;e.__c=e.__(),I=t}function kt(e,t){return!e||e.length!=t.length||t.some(function(s,a){return!Re(s,e[a])})}function wt(e,t){return typeof t=="function"?t(e):t}var Oe="scanfleet.token",je=sessionStorage.getItem(Oe)||"",Ue=new Set;function xt(){return je}function ye(e){je=e,e?sessionStorage.setItem(Oe,e):sessionStorage.removeItem(Oe);for(let t of Ue)t(e)}function St(e){return Ue.add(e),()=>Ue.delete(e)}var X=class extends Error{constructor(t,s){super(s),this.status=t}};async function x(e,{method:t="GET",body:s,raw:a=!1,token:r}={}){let o={Authorization:"Bearer "+(r??je)};s!==void 0&&(o["Content-Type"]="application/json");let n=await fetch(e,{method:t,headers:o,body:s===void 0?void 0:JSON.stringify(s)});if(n.status===401)throw r===void 0&&ye(""),new X(401,"The token was refused; log in again.");if(!n.ok){let l=n.statusText;try{l=(await n.json()).error||l}catch{}throw new X(n.status,l)}return a?n:n.status===204?null:n.json()}async function Ct(e,t){let s=await x(e,{raw:!0}),a=s.headers.get("Content-Disposition")||"",r=/filename="([^"]+)"/.exec(a),o=await s.blob(),n=URL.createObjectURL(o),l=document.createElement("a");l.href=n,l.download=r?r[1]:t,document.body.appendChild(l),l.click(),l.remove(),setTimeout(()=>URL.revokeObjectURL(n),1e4)}function V(e){let t=new URLSearchParams;for(let[a,r]of Object.entries(e))r!=null&&r!==""&&r!==!1&&t.set(a,String(r));let s=t.toString();return s?"?"+s:""}var Et=function(e,t,s,a){var r;t[0]=0;for(var o=1;o<t.length;o++){var n=t[o++],l=t[o]?(t[0]|=n?1:2,s[t[o++]]):t[++o];n===3?a[0]=l:n===4?a[1]=Object.assign(a[1]||{},l):n===5?(a[1]=a[1]||{})[t[++o]]=l:n===6?a[1][t[++o]]+=l+"":n?(r=e.apply(l,Et(e,l,s,["",null])),a.push(r),l[0]?t[0]|=2:(t[o-2]=0,t[o]=r)):a.push(l)}return a},Lt=new Map;function Nt(e){var t=Lt.get(this);return t||(t=new Map,Lt.set(this,t)),(t=Et(this,t.get(e)||(t.set(e,t=(function(s){for(var a,r,o=1,n="",l="",u=[0],h=function(m){o===1&&(m||(n=n.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?u.push(0,m,n):o===3&&(m||n)?(u.push(3,m,n),o=2):o===2&&n==="..."&&m?u.push(4,m,0):o===2&&n&&!m?u.push(5,0,!0,n):o>=5&&((n||!m&&o===5)&&(u.push(o,0,n,r),o=6),m&&(u.push(o,m,0,r),o=6)),n=""},d=0;d<s.length;d++){d&&(o===1&&h(),h(d));for(var p=0;p<s[d].length;p++)a=s[d][p],o===1?a==="<"?(h(),u=[u],o=3):n+=a:o===4?n==="--"&&a===">"?(o=1,n=""):n=a+n[0]:l?a===l?l="":n+=a:a==='"'||a==="'"?l=a:a===">"?(h(),o=1):o&&(a==="="?(o=5,r=n,n=""):a==="/"&&(o<5||s[d][p+1]===">")?(h(),o===3&&(u=u[0]),o=u,(u=u[0]).push(2,0,o),o=0):a===" "||a==="	"||a===`
`||a==="\r"?(h(),o=2):n+=a),o===3&&n==="!--"&&(o=4,u=u[0])}return h(),u})(e)),t),arguments,[])).length>1?t:t[0]}var i=Nt.bind(at);function be(e){let[t,s]=w(e),a=Q(e);return F(()=>{a.current!==e&&(a.current=e,s(e))},[e]),[t,s]}var A=["CRITICAL","HIGH","MEDIUM","LOW","NEGLIGIBLE","UNKNOWN"];function Fe(){let e=location.hash.replace(/^#/,"")||"/images",[t,s=""]=e.split("?");return{parts:t.split("/").filter(Boolean).map(decodeURIComponent),query:Object.fromEntries(new URLSearchParams(s))}}function T(e,t={}){let s=new URLSearchParams;for(let[r,o]of Object.entries(t))o!=null&&o!==""&&o!==!1&&s.set(r,String(o));let a=s.toString();return"#/"+e.map(r=>encodeURIComponent(r).replace(/%3A/gi,":")).join("/")+(a?"?"+a:"")}function re(e,t){location.hash=T(e,t)}function L(e,t,s=0){let[a,r]=w({data:null,error:null,loading:!0}),o=Q(0),n=bt(async()=>{let l=++o.current;try{let u=await e();l===o.current&&r({data:u,error:null,loading:!1})}catch(u){l===o.current&&r(h=>({data:h.data,error:u,loading:!1}))}},t);return F(()=>{if(r(u=>({...u,loading:!0})),n(),!s)return;let l=setInterval(n,s);return()=>{clearInterval(l),o.current++}},[n]),{...a,reload:n}}function ie(){return typeof matchMedia=="function"&&matchMedia("(max-width: 600px)").matches}function D(e){if(!e)return"";let[t,s]=e.includes(":")?e.split(":"):["",e];return(t?t+":":"")+s.slice(0,12)}function U(e){if(!e)return"never";let t=new Date(e);return isNaN(t)||t.getFullYear()<2e3?"never":t.toLocaleString()}function M(e){if(!e)return"never";let t=new Date(e);if(isNaN(t)||t.getFullYear()<2e3)return"never";let s=Math.round((Date.now()-t.getTime())/1e3);return s<5?"just now":s<60?s+" s ago":s<3600?Math.round(s/60)+" min ago":s<86400?Math.round(s/3600)+" h ago":Math.round(s/86400)+" d ago"}function It(e){if(!e)return"0 B";let t=["B","KB","MB","GB","TB"],s=0;for(;e>=1e3&&s<t.length-1;)e/=1e3,s++;return(s?e.toFixed(1):e)+" "+t[s]}function B(e){return"sev sev-"+(e||"unknown").toLowerCase()}function C({error:e}){return e?i`<p class="error" role="alert">${e.message||String(e)}</p>`:null}function P({what:e="Loading"}){return i`<p class="muted" role="status">${e}…</p>`}function Tt(e){let t=e==null?"":Array.isArray(e)?e.join(" "):String(e);return/^[=+\-@\t\r]/.test(t)&&(t="'"+t),/[",\n\r]/.test(t)?'"'+t.replace(/"/g,'""')+'"':t}function is(e,t){let s=[e.map(([a])=>Tt(a)).join(",")];for(let a of t)s.push(e.map(([,r])=>Tt(r(a))).join(","));return s.join(`\r
`)+`\r
`}function Ve(e,t,s="text/csv"){let a=URL.createObjectURL(new Blob([t],{type:s+";charset=utf-8"})),r=document.createElement("a");r.href=a,r.download=e,document.body.appendChild(r),r.click(),r.remove(),setTimeout(()=>URL.revokeObjectURL(a),1e4)}function E({name:e,columns:t,rows:s,label:a="Export CSV"}){let[r,o]=w(!1),[n,l]=w(null);async function u(){o(!0),l(null);try{Ve(e+".csv",is(t,await s()))}catch(h){l(h)}o(!1)}return i`<span class="csv"><button type="button" class="small" onClick=${u} disabled=${r}
    aria-label=${a+" ("+e+".csv)"}>${r?"Exporting\u2026":a}</button>${n&&i` <span class="error" role="alert">${n.message}</span>`}</span>`}function Pt({offset:e,size:t,total:s,onGo:a,label:r="Pages"}){return s<=t&&e===0?null:i`<nav class="pager" aria-label=${r}>
    <button type="button" disabled=${e===0} onClick=${()=>a(Math.max(0,e-t))}>Previous</button>
    <span>${e+1}–${Math.min(s,e+t)} of ${s}</span>
    <button type="button" disabled=${e+t>=s} onClick=${()=>a(e+t)}>Next</button>
  </nav>`}function ke({coverage:e,notCovered:t=[]}){return e==="not_covered"?i`<span class="nc-badge" title=${"The database has no data for "+t.join(", ")+": findings there are unknown, not absent"}>
      Not covered: ${t.join(", ")}</span>`:e==="unknown"?i`<span class="nc-badge unknown" title="The report does not say whether the database covered this image">Coverage unknown</span>`:null}var ls=[["name",e=>e.name],["url",e=>e.url],["filters",e=>e.filters||[]],["interval",e=>e.interval],["last_crawl",e=>e.last_crawl],["last_error",e=>e.last_error],["images",e=>e.images],["queued",e=>e.queued],["leased",e=>e.leased],["failed",e=>e.failed]],Be=[["","Manual only"],["15m0s","Every 15 minutes"],["1h0m0s","Every hour"],["6h0m0s","Every 6 hours"],["24h0m0s","Every day"]];function cs(e){if(!e)return"Manual";let t=Be.find(([s])=>s===e);return t?t[1]:"Every "+e}var Rt={name:"",url:"",username:"",password:"",token:"",insecure:!1,filters:"",interval:"",max_repositories:"",max_tags:"",rescan_after_db_update:!1};function ds({initial:e,onDone:t,onCancel:s}){let a=!!e,[r,o]=w(e?{...Rt,...e,password:"",token:"",filters:(e.filters||[]).join(`
`),interval:e.interval||"",max_repositories:e.max_repositories||"",max_tags:e.max_tags||""}:Rt),[n,l]=w(null),[u,h]=w(!1),d=c=>_=>{let $=_.currentTarget;o({...r,[c]:$.type==="checkbox"?$.checked:$.value})};async function p(c){c.preventDefault(),h(!0),l(null);let _={name:r.name.trim(),url:r.url.trim(),username:r.username.trim()||void 0,password:r.password||void 0,token:r.token||void 0,insecure:r.insecure||void 0,filters:r.filters.split(/[\n,]/).map($=>$.trim()).filter(Boolean),interval:r.interval.trim(),max_repositories:r.max_repositories?Number(r.max_repositories):void 0,max_tags:r.max_tags?Number(r.max_tags):void 0,rescan_after_db_update:r.rescan_after_db_update||void 0};try{a?await x("/api/v1/registries/"+encodeURIComponent(e.name),{method:"PUT",body:_}):await x("/api/v1/registries",{method:"POST",body:_}),t(_.name)}catch($){l($),h(!1)}}let m=r.interval&&!Be.some(([c])=>c===r.interval);return i`<form class="card form" onSubmit=${p} aria-labelledby="regform-title">
    <h2 id="regform-title">${a?"Edit registry "+e.name:"Add a registry"}</h2>
    <div class="grid">
      <div class="field">
        <label for="reg-name">Name</label>
        <input id="reg-name" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,62}" value=${r.name} onInput=${d("name")}
          readonly=${a} aria-describedby="reg-name-hint" />
        <small id="reg-name-hint">Letters, digits, “.”, “_”, “-”.</small>
      </div>
      <div class="field">
        <label for="reg-url">URL</label>
        <input id="reg-url" type="url" required placeholder="https://registry.example" value=${r.url} onInput=${d("url")} />
      </div>
      <div class="field">
        <label for="reg-user">Username</label>
        <input id="reg-user" autocomplete="off" value=${r.username} onInput=${d("username")} />
      </div>
      <div class="field">
        <label for="reg-pass">Password</label>
        <input id="reg-pass" type="password" autocomplete="new-password" value=${r.password} onInput=${d("password")}
          aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-token">Registry token</label>
        <input id="reg-token" type="password" autocomplete="off" value=${r.token} onInput=${d("token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-schedule">Schedule</label>
        <select id="reg-schedule" value=${m?"custom":r.interval} onChange=${c=>{let _=c.currentTarget.value;o({...r,interval:_==="custom"?"2h":_})}}>
          ${Be.map(([c,_])=>i`<option value=${c}>${_}</option>`)}
          <option value="custom">Other interval…</option>
        </select>
      </div>
      ${m&&i`<div class="field">
        <label for="reg-interval">Interval (Go duration, e.g. 90m)</label>
        <input id="reg-interval" value=${r.interval} onInput=${d("interval")} />
      </div>`}
      <div class="field wide">
        <label for="reg-filters">Filters (one per line: repository glob, optionally :tag glob)</label>
        <textarea id="reg-filters" rows="3" placeholder="team/*:v*" value=${r.filters} onInput=${d("filters")}></textarea>
      </div>
      <div class="field">
        <label for="reg-maxrepos">Max repositories</label>
        <input id="reg-maxrepos" type="number" min="0" value=${r.max_repositories} onInput=${d("max_repositories")} />
      </div>
      <div class="field">
        <label for="reg-maxtags">Max tags per repository</label>
        <input id="reg-maxtags" type="number" min="0" value=${r.max_tags} onInput=${d("max_tags")} />
      </div>
      <div class="field check">
        <input id="reg-insecure" type="checkbox" checked=${r.insecure} onChange=${d("insecure")} />
        <label for="reg-insecure">Skip TLS verification</label>
      </div>
      <div class="field check">
        <input id="reg-rescan" type="checkbox" checked=${r.rescan_after_db_update} onChange=${d("rescan_after_db_update")} />
        <label for="reg-rescan">Rescan after database updates</label>
      </div>
    </div>
    <p id="reg-secret-hint" class="hint">
      Secrets are stored encrypted and never shown again.
      ${a&&i` Saving replaces them:
        ${e.password_set||e.token_set?i`<strong>retype the password or token</strong>, or leave both empty for none.`:"none is set now."}`}
    </p>
    <${C} error=${n} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${u}>${a?"Save":"Add registry"}</button>
      <button type="button" onClick=${s}>Cancel</button>
    </div>
  </form>`}function us({r:e}){let t=e.queued+e.leased+e.scanned+e.failed,s=e.crawling||e.queued+e.leased>0,a;return e.crawling?a="Listing images\u2026":s?a=`Scanning: ${e.scanned} of ${t} done, ${e.leased} in progress, ${e.queued} waiting`:e.last_crawl?a=`Last scan ${M(e.last_crawl)}: ${e.scanned} scanned`+(e.failed?`, ${e.failed} failed`:""):a="Never scanned",i`<div class="progress-cell">
    <span class=${s?"state running":"state"} data-testid="reg-status">${a}</span>
    ${s&&t>0&&i`<progress max=${t} value=${e.scanned+e.failed} aria-label=${"Scan progress of "+e.name}></progress>`}
    ${e.last_error&&i`<span class="error small">Last crawl error: ${e.last_error}</span>`}
  </div>`}function At({role:e}){let t=e==="admin",{data:s,error:a,reload:r}=L(()=>x("/api/v1/console/registries"),[],2e3),[o,n]=w(null),[l,u]=w(""),[h,d]=w(null);async function p(m,c){d(null);try{await m(),u(c),r()}catch(_){d(_)}}return i`
    <div class="page-head">
      <h1>Registries</h1>
      ${t&&!o&&i`<button type="button" class="primary" onClick=${()=>n("new")}>Add registry</button>`}
    </div>
    <p class="sr-only" role="status" aria-live="polite">${l}</p>
    ${o&&i`<${ds}
      initial=${o==="new"?null:o}
      onCancel=${()=>n(null)}
      onDone=${m=>{n(null),u("Registry "+m+" saved."),r()}}
    />`}
    <${C} error=${h||a} />
    ${!s&&!a&&i`<${P} />`}
    ${s&&s.length===0&&i`<p class="empty">No registries yet.${t?" Add one to start scanning.":""}</p>`}
    ${s&&s.length>0&&i`<div class="list-tools"><span></span><${E} name="registries" columns=${ls} rows=${()=>s} /></div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Registries and the progress of their scans</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Schedule</th><th scope="col">Images</th>
        <th scope="col">Status</th>${t&&i`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
      <tbody>
        ${s.map(m=>i`<tr key=${m.name} data-registry=${m.name}>
            <th scope="row"><a href=${T(["images"],{registry:m.name})}>${m.name}</a>
              ${(m.filters||[]).length>0&&i`<div class="small muted">${m.filters.join(", ")}</div>`}</th>
            <td class="mono small">${m.url}${m.username&&i`<div class="muted">as ${m.username}</div>`}</td>
            <td>${cs(m.interval)}${m.rescan_after_db_update&&i`<div class="small muted">rescans after DB updates</div>`}</td>
            <td class="num">${m.images}</td>
            <td><${us} r=${m} /></td>
            ${t&&i`<td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Scan "+m.name+" now"} disabled=${m.crawling}
                onClick=${()=>p(()=>x(`/api/v1/registries/${encodeURIComponent(m.name)}/scan`,{method:"POST",body:{}}),"Scan of "+m.name+" started.")}>Scan now</button>
              <button type="button" class="small" aria-label=${"Edit "+m.name} onClick=${()=>n(m)}>Edit</button>
              <button type="button" class="small danger" aria-label=${"Delete "+m.name}
                onClick=${()=>confirm(`Delete registry ${m.name}? Its stored results stay.`)&&p(()=>x(`/api/v1/registries/${encodeURIComponent(m.name)}`,{method:"DELETE"}),"Registry "+m.name+" deleted.")}>Delete</button>
            </td>`}
          </tr>`)}
      </tbody>
    </table></div>`}
    <p class="hint">Status refreshes every 2 seconds.</p>`}var Dt={CRITICAL:"#8e1b1b",HIGH:"#d2461c",MEDIUM:"#c98a00",LOW:"#2f6db3",NEGLIGIBLE:"#5f7481",UNKNOWN:"#8a8a8a"};function le(e){return Dt[e]||Dt.UNKNOWN}function K({counts:e={},fixable:t={},title:s="Findings by severity"}){let a=A.filter(_=>e[_]>0);if(!a.reduce((_,$)=>_+e[$],0))return i`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No findings.</p></figure>`;let o=Math.max(...a.map(_=>e[_])),n=26,l=ie(),u=l?84:92,h=l?96:120,d=l?340:560,p=d-u-h,m=a.length*n+24,c=s+": "+a.map(_=>`${e[_]} ${_.toLowerCase()} (${t[_]||0} with a fix)`).join(", ");return i`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${d} ${m}" role="img" aria-label=${c} preserveAspectRatio="xMinYMin meet">
      <defs>
        ${a.map(_=>i`<pattern id=${"nofix-"+_} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill=${le(_)} opacity="0.35" />
            <line x1="0" y1="0" x2="0" y2="6" stroke=${le(_)} stroke-width="3" />
          </pattern>`)}
      </defs>
      ${a.map((_,$)=>{let b=$*n+2,g=e[_],v=Math.min(t[_]||0,g),f=Math.max(2,g/o*p),y=v/g*f;return i`<g>
          <text x="0" y=${b+16} class="chart-label">${_}</text>
          <rect x=${u} y=${b+3} width=${y} height="18" fill=${le(_)} />
          <rect x=${u+y} y=${b+3} width=${f-y} height="18" fill=${"url(#nofix-"+_+")"} />
          <text x=${u+f+6} y=${b+16} class="chart-num">${g} (${v} fix)</text>
        </g>`})}
      <g transform=${`translate(${u},${a.length*n+8})`}>
        <rect width="12" height="10" fill="#555" /><text x="16" y="9" class="chart-legend">has a fix</text>
        <rect x="90" width="12" height="10" fill="url(#nofix-${a[0]})" /><text x="106" y="9" class="chart-legend">no fix yet</text>
      </g>
    </svg>
  </figure>`}function we({samples:e=[],series:t,title:s,timeFmt:a}){let r=ie()?360:640,o=ie()?200:220,n=44,l=12,u=12,h=40;if(e.length<2)return i`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">Not enough samples yet.</p></figure>`;let d=new Date(e[0].time).getTime(),p=new Date(e[e.length-1].time).getTime(),m=Math.max(1,p-d),c=Math.max(1,...e.flatMap(k=>t.map(R=>k[R.key]||0))),_=Mt(c),$=k=>n+(new Date(k).getTime()-d)/m*(r-n-l),b=k=>u+(1-k/_)*(o-u-h),g=e[e.length-1],v=s+(a?` from ${y(e[0].time)} to ${y(g.time)}: `:` over the last ${Math.round(m/6e4)||"<1"} min: `)+t.map(k=>`${k.label} now ${g[k.key]||0}, peak ${Math.max(...e.map(R=>R[k.key]||0))}`).join("; "),f=[0,_/2,_],y=a||(k=>new Date(k).toLocaleTimeString([],{hour:"2-digit",minute:"2-digit",second:"2-digit"}));return i`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${r} ${o}" role="img" aria-label=${v} preserveAspectRatio="xMinYMin meet">
      ${f.map(k=>i`<g>
          <line x1=${n} x2=${r-l} y1=${b(k)} y2=${b(k)} class="grid" />
          <text x=${n-6} y=${b(k)+4} text-anchor="end" class="chart-num">${k}</text>
        </g>`)}
      <text x=${n} y=${o-h+16} class="chart-num">${y(e[0].time)}</text>
      <text x=${r-l} y=${o-h+16} text-anchor="end" class="chart-num">${y(g.time)}</text>
      ${t.map(k=>i`<polyline fill="none" stroke=${k.color} stroke-width="2.5" stroke-linejoin="round"
          points=${e.map(R=>`${$(R.time).toFixed(1)},${b(R[k.key]||0).toFixed(1)}`).join(" ")} />`)}
      <g transform=${`translate(${n},${o-10})`}>
        ${t.map((k,R)=>i`<g transform=${`translate(${R*(r>400?120:100)},0)`}>
            <rect y="-9" width="14" height="4" fill=${k.color} /><text x="18" y="-3" class="chart-legend">${k.label}</text>
          </g>`)}
      </g>
    </svg>
  </figure>`}function Mt(e){let t=Math.pow(10,Math.floor(Math.log10(e)));for(let s of[1,2,5,10])if(s*t>=e)return s*t;return 10*t}function Ot({days:e=[],valueKey:t,title:s,color:a="#1a5fb4"}){if(!e.length)return i`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No days recorded yet.</p></figure>`;let r=ie()?340:560,o=170,n=36,l=24,u=14,h=Mt(Math.max(1,...e.map($=>$[t]||0))),d=(r-n)/Math.max(e.length,7),p=Math.max(4,Math.min(40,d*.7)),m=$=>u+(1-$/h)*(o-u-l),c=$=>new Date($+"T12:00:00Z").toLocaleDateString([],{month:"short",day:"numeric"}),_=s+": "+e.map($=>`${c($.day)} ${$[t]||0}`).join(", ");return i`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${r} ${o}" role="img" aria-label=${_} preserveAspectRatio="xMinYMin meet">
      ${[0,h/2,h].filter(Number.isInteger).map($=>i`<g><line x1=${n} x2=${r} y1=${m($)} y2=${m($)} class="grid" />
          <text x=${n-6} y=${m($)+4} text-anchor="end" class="chart-num">${$}</text></g>`)}
      ${e.map(($,b)=>{let g=$[t]||0,v=n+b*d+(d-p)/2;return i`<g>
          <rect x=${v} y=${m(g)} width=${p} height=${Math.max(0,o-l-m(g))} fill=${a} />
          ${(e.length<=10||b===0||b===e.length-1)&&i`<text x=${v+p/2} y=${o-8} text-anchor="middle" class="chart-num">${c($.day)}</text>`}
        </g>`})}
    </svg>
  </figure>`}var ce=50,ps=[{key:"repository",label:"Image"},{key:"os",label:"OS",cls:"hide-sm"},{key:"severity",label:"Findings by severity"},{key:"fixable",label:"With a fix",cls:"num"},{key:"packages",label:"Packages",cls:"num hide-sm"},{key:"scanned_at",label:"Last scan",cls:"hide-sm"}],ms=[["","Any"],["not_covered","Not covered"],["covered","Covered"],["unknown","Unknown"]];function He({sev:e={},fix:t={},coverage:s,notCovered:a}){let r=A.filter(n=>e[n]>0),o=i`<${ke} coverage=${s} notCovered=${a} />`;return r.length?i`<span class="counts">${o}
    ${r.map(n=>i`<span class=${B(n)} title=${`${e[n]} ${n.toLowerCase()}, ${t[n]||0} with a fix`}>
        <span aria-hidden="true">${n[0]}</span><span class="sr-only">${n.toLowerCase()}</span> ${e[n]}</span>`)}
  </span>`:s&&s!=="covered"?o:i`<span class="muted">none</span>`}function Ut({query:e}){let t={registry:e.registry||"",repository:e.repository||"",q:e.q||"",severity:e.severity||"",coverage:e.coverage||"",fixable:e.fixable==="true",sort:e.sort||"severity",order:e.order||"",offset:Number(e.offset)||0},s=JSON.stringify(t),{data:a,error:r,loading:o}=L(()=>x("/api/v1/console/images"+V({...t,limit:ce})),[s],1e4),[n,l]=be(t.q),u=p=>re(["images"],{...t,offset:0,...p}),h=p=>{let m=t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(t.sort);u({sort:p,order:t.sort===p?m?"asc":"desc":""})},d=p=>t.sort!==p?void 0:(t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(p))?"descending":"ascending";return i`
    <div class="page-head"><h1>Images</h1></div>
    <form class="filters" role="search" aria-label="Filter images" onSubmit=${p=>{p.preventDefault(),u({q:n.trim()})}}>
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
          ${ms.map(([p,m])=>i`<option value=${p}>${m}</option>`)}
        </select>
      </div>
      <div class="field grow">
        <label for="f-q">Search</label>
        <input id="f-q" type="search" placeholder="name, tag, digest or OS" value=${n} onInput=${p=>l(p.currentTarget.value)} />
      </div>
      <div class="field check">
        <input id="f-fix" type="checkbox" checked=${t.fixable} onChange=${p=>u({fixable:p.currentTarget.checked})} />
        <label for="f-fix">Only with fixes</label>
      </div>
      <button type="submit">Search</button>
    </form>
    <${C} error=${r} />
    ${!a&&!r&&i`<${P} />`}
    ${a&&i`
      <div class="summary">
        <div class="list-tools">
          <p role="status" aria-live="polite"><strong>${a.total}</strong> image${a.total===1?"":"s"}${a.not_covered>0?i`, <a href=${T(["images"],{...t,offset:0,coverage:"not_covered"})} class="nc-link"><strong>${a.not_covered}</strong> not covered</a> (their counts are incomplete)`:""}${o?" (refreshing\u2026)":""}</p>
          <${E} name="images" columns=${fs} rows=${()=>hs(t)} />
        </div>
        <${K} counts=${a.severities} fixable=${a.fixable} title="Findings in these images by severity" />
      </div>
      ${a.total===0?i`<p class="empty">No scanned image matches. Add a registry and scan it, or change the filters.</p>`:i`<div class="table-wrap"><table class="data images">
        <caption class="sr-only">Scanned images, sorted by ${t.sort}</caption>
        <thead><tr>
          ${ps.map(p=>i`<th scope="col" class=${p.cls||""} aria-sort=${d(p.key)}>
              <button type="button" class="sort" onClick=${()=>h(p.key)}>${p.label}<span aria-hidden="true">${t.sort===p.key?d(p.key)==="descending"?" \u25BC":" \u25B2":""}</span></button></th>`)}
        </tr></thead>
        <tbody>
          ${a.items.map(p=>{let m=Object.values(p.fixable||{}).reduce((c,_)=>c+_,0);return i`<tr key=${p.registry+p.repository+p.digest}>
              <th scope="row">
                <a href=${T(["image",p.digest])}>${p.repository}:${p.tag}</a>
                ${(p.tags||[]).filter(c=>c!==p.tag).length>0&&i`<div class="small">also ${(p.tags||[]).filter(c=>c!==p.tag).map(c=>":"+c).join(", ")}</div>`}
                <div class="small muted mono hide-sm">${p.registry} · ${D(p.digest)}</div>
              </th>
              <td class="hide-sm">${p.os||i`<span class="muted">unknown</span>`}</td>
              <td><${He} sev=${p.severities} fix=${p.fixable} coverage=${p.coverage} notCovered=${p.not_covered} /></td>
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
    `}`}var fs=[["registry",e=>e.registry],["repository",e=>e.repository],["tags",e=>(e.tags&&e.tags.length?e.tags:[e.tag]).join(" ")],["digest",e=>e.digest],["os",e=>e.os],["coverage",e=>e.coverage],["not_covered",e=>(e.not_covered||[]).join(" ")],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...A.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>Object.values(e.fixable||{}).reduce((t,s)=>t+s,0)],["scanned_at",e=>e.scanned_at]];async function hs(e){let t=[];for(let s=0;;s+=500){let a=await x("/api/v1/console/images"+V({...e,offset:s,limit:500}));if(t.push(...a.items),s+500>=a.total)return t}}var Z=[["findings","Findings"],["layers","Layers"],["packages","Packages"]],_s=[["json","JSON"],["sarif","SARIF"],["cyclonedx","CycloneDX"],["spdx","SPDX"]];function gs(e){let s=(e.references||[]).find(a=>/^https:\/\//.test(a));return s||(/^CVE-/.test(e.id)?"https://nvd.nist.gov/vuln/detail/"+e.id:/^GHSA-/.test(e.id)?"https://github.com/advisories/"+e.id:/^GO-/.test(e.id)?"https://pkg.go.dev/vuln/"+e.id:"https://osv.dev/vulnerability/"+e.id)}var jt=50;function qe({kev:e}){return e?i`<span class="badge kev" title=${"In CISA's Known Exploited Vulnerabilities catalog since "+e.date_added+(e.due_date?", remediation due "+e.due_date:"")+(e.known_ransomware_use?"; used by ransomware":"")}>KEV</span>`:null}function We({epss:e}){if(!e)return null;let t=(e.score*100).toFixed(e.score<.1?1:0);return i`<span class="badge epss" title=${`EPSS ${t}% probability of exploitation in the next 30 days (percentile ${Math.round(e.percentile*100)}, ${e.date})`}>EPSS ${t}%</span>`}function Ke({cvss:e}){return!e||!e.length?i`<span class="muted">none given</span>`:i`<ul class="refs">${e.map(t=>i`<li><strong>${t.score.toFixed(1)}</strong> CVSS ${t.version}${t.source?" ("+t.source+")":""} <span class="mono small">${t.vector}</span></li>`)}</ul>`}function Ge({refs:e}){return!e||!e.length?i`<span class="muted">none</span>`:i`<ul class="refs">${e.map(t=>/^https?:\/\//i.test(t)?i`<li><a href=${t} target="_blank" rel="noopener noreferrer">${t}</a></li>`:i`<li>${t}</li>`)}</ul>`}function $s({v:e}){return i`<div class="detail-body">
    ${e.title&&i`<strong>${e.title}</strong>`}
    ${e.description?i`<p class="description">${e.description}</p>`:i`<p class="muted">The advisory has no description.</p>`}
    <dl>
      <dt>Severity</dt><dd>${e.severity||"UNKNOWN"}${e.severity_source?" (from "+e.severity_source+")":""}${e.vendor_severity?", vendor: "+e.vendor_severity:""}</dd>
      <dt>CVSS</dt><dd><${Ke} cvss=${e.cvss} /></dd>
      ${e.kev&&i`<dt>Known exploited</dt><dd>in CISA KEV since ${e.kev.date_added}${e.kev.due_date?", due "+e.kev.due_date:""}${e.kev.known_ransomware_use?"; used by ransomware":""}</dd>`}
      ${e.epss&&i`<dt>EPSS</dt><dd>${(e.epss.score*100).toFixed(2)}% (percentile ${Math.round(e.epss.percentile*100)}, ${e.epss.date})</dd>`}
      ${e.package_path&&i`<dt>Found in</dt><dd class="mono small">${e.package_path}</dd>`}
      <dt>Source</dt><dd>${e.source||"unknown"}</dd>
      <dt>References</dt><dd><${Ge} refs=${e.references} /></dd>
    </dl>
  </div>`}var vs=[["id",e=>e.id],["aliases",e=>e.aliases||[]],["severity",e=>e.severity],["severity_source",e=>e.severity_source],["title",e=>e.title],["package",e=>e.package],["package_type",e=>e.package_type],["package_path",e=>e.package_path],["installed_version",e=>e.installed_version],["fixed_version",e=>e.fixed_version],["cvss",e=>(e.cvss||[]).map(t=>t.score+" "+t.vector).join(" ")],["kev",e=>e.kev?e.kev.date_added:""],["epss",e=>e.epss?e.epss.score:""],["layer",e=>e.layer]];function Ye({rep:e,name:t}){let[s,a]=w(""),[r,o]=w(""),[n,l]=w(!1),[u,h]=w(!1),[d,p]=w(0),[m,c]=w({}),_=e.vulnerabilities||[],$=oe(()=>{let f=s.trim().toLowerCase();return _.filter(y=>(!r||(y.severity||"").toUpperCase()===r)&&(!n||y.fixed_version)&&(!u||y.kev)&&(!f||(y.id+" "+(y.aliases||[]).join(" ")+" "+y.package+" "+(y.title||"")).toLowerCase().includes(f))).sort((y,k)=>A.indexOf((y.severity||"UNKNOWN").toUpperCase())-A.indexOf((k.severity||"UNKNOWN").toUpperCase())||(k.kev?1:0)-(y.kev?1:0)||y.id.localeCompare(k.id))},[_,s,r,n,u]),b=f=>y=>{f(y),p(0)},g=$.slice(d,d+jt),v=_.some(f=>f.kev);return i`
    <form class="filters" role="search" aria-label="Filter findings" onSubmit=${f=>f.preventDefault()}>
      <div class="field grow">
        <label for="v-q">Find</label>
        <input id="v-q" type="search" placeholder="CVE, package or title" value=${s} onInput=${f=>b(a)(f.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="v-sev">Severity</label>
        <select id="v-sev" value=${r} onChange=${f=>b(o)(f.currentTarget.value)}>
          <option value="">Any</option>
          ${A.map(f=>i`<option value=${f}>${f[0]+f.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field check">
        <input id="v-fix" type="checkbox" checked=${n} onChange=${f=>b(l)(f.currentTarget.checked)} />
        <label for="v-fix">Only with a fix</label>
      </div>
      ${v&&i`<div class="field check">
        <input id="v-kev" type="checkbox" checked=${u} onChange=${f=>b(h)(f.currentTarget.checked)} />
        <label for="v-kev">Only known exploited</label>
      </div>`}
    </form>
    <div class="list-tools">
      <p role="status" class="muted" id="findings-count">${$.length} of ${_.length} findings</p>
      <${E} name=${t+"-findings"} columns=${vs} rows=${()=>$} />
    </div>
    ${$.length>0&&i`<div class="table-wrap"><table class="data findings">
      <caption class="sr-only">Findings, worst first</caption>
      <thead><tr><th scope="col">Severity</th><th scope="col">Vulnerability</th><th scope="col">Package</th>
        <th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Layer</th><th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>
        ${g.map((f,y)=>{let k=f.id+"|"+f.package+"|"+f.installed_version+"|"+(f.package_path||"")+"|"+(d+y),R=!!m[k];return i`<tr key=${k}>
            <td><span class=${B((f.severity||"").toUpperCase())}>${f.severity||"UNKNOWN"}</span>
              ${f.severity_source&&i`<div class="small muted">${f.severity_source}</div>`}</td>
            <th scope="row">
              <a href=${T(["vulnerabilities",f.id])}>${f.id}</a>
              <a class="ext" href=${gs(f)} target="_blank" rel="noopener noreferrer" aria-label=${"Advisory for "+f.id+" (opens a new tab)"}>↗</a>
              <${qe} kev=${f.kev} /><${We} epss=${f.epss} />
              ${f.title&&i`<div class="title-line" title=${f.title}>${f.title}</div>`}
              ${(f.aliases||[]).length>0&&i`<div class="small muted">${f.aliases.join(", ")}</div>`}
            </th>
            <td>${f.package}${f.package_type&&i` <span class="muted small">${f.package_type}</span>`}</td>
            <td class="mono small">${f.installed_version} → ${f.fixed_version?i`<strong>${f.fixed_version}</strong>`:i`<span class="nofix">no fix</span>`}</td>
            <td class="hide-sm small">${f.layer?i`<span class="mono">${D(f.layer)}</span>`:""}
              ${f.layer_created_by&&i`<div class="created-by" title=${f.layer_created_by}>${f.layer_created_by}</div>`}</td>
            <td><button type="button" class="small" aria-expanded=${R?"true":"false"} aria-controls=${"d-"+(d+y)}
              aria-label=${(R?"Hide details of ":"Show details of ")+f.id+" in "+f.package}
              onClick=${()=>c({...m,[k]:!R})}>${R?"Hide":"Details"}</button></td>
          </tr>
          ${R&&i`<tr class="detail" key=${k+"-d"} id=${"d-"+(d+y)}><td colspan="6"><${$s} v=${f} /></td></tr>`}`})}
      </tbody>
    </table></div>
    <${Pt} offset=${d} size=${jt} total=${$.length} onGo=${p} label="Pages of findings" />`}`}function ys({rep:e}){let t=e.image?.layers||[],s=o=>{let n={};for(let l of o||[])n[l.layer]=(n[l.layer]||0)+1;return n},a=s(e.packages),r=s(e.vulnerabilities);return t.length?i`<ol class="layers">
    ${t.map((o,n)=>i`<li key=${o.digest} class="card">
        <div class="layer-head"><strong>Layer ${n+1}</strong> <span class="mono small">${D(o.digest)}</span>
          <span class="muted small">${It(o.size)}</span></div>
        <pre class="created-by-full">${o.created_by||"(no history entry)"}</pre>
        <p class="small">${a[o.digest]||0} packages introduced · ${r[o.digest]||0} findings</p>
      </li>`)}
  </ol>`:i`<p class="empty">This report lists no layers.</p>`}var bs=[["name",e=>e.name],["version",e=>e.version],["type",e=>e.type],["path",e=>e.path],["layer",e=>e.layer],["purl",e=>e.purl]];function ze({rep:e,name:t}){let[s,a]=w(""),[r,o]=w(200),n=e.packages||[],l=s.trim().toLowerCase(),u=n.filter(h=>!l||(h.name+" "+h.version+" "+h.type).toLowerCase().includes(l));return i`
    <form class="filters" role="search" aria-label="Filter packages" onSubmit=${h=>h.preventDefault()}>
      <div class="field grow">
        <label for="p-q">Find a package</label>
        <input id="p-q" type="search" value=${s} onInput=${h=>a(h.currentTarget.value)} />
      </div>
    </form>
    <div class="list-tools">
      <p role="status" class="muted">${u.length} of ${n.length} packages</p>
      <${E} name=${t+"-packages"} columns=${bs} rows=${()=>u} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Packages</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Type</th><th scope="col" class="hide-sm">Path</th><th scope="col" class="hide-sm">Layer</th></tr></thead>
      <tbody>
        ${u.slice(0,r).map((h,d)=>i`<tr key=${d}>
            <th scope="row">${h.name}</th><td class="mono small">${h.version}</td><td>${h.type}</td>
            <td class="hide-sm small mono">${h.path}</td><td class="hide-sm small mono">${D(h.layer)}</td>
          </tr>`)}
      </tbody>
    </table></div>
    ${u.length>r&&i`<button type="button" onClick=${()=>o(r+500)}>Show more (${u.length-r} left)</button>`}`}function Ft({digest:e,query:t}){let{data:s,error:a}=L(()=>x("/api/v1/images/"+encodeURIComponent(e)),[e]),{data:r}=L(()=>x("/api/v1/console/images"+V({q:e,limit:20,sort:"reference"})).then(g=>g.items.filter(v=>v.digest===e)),[e]),[o,n]=w(t.tab||"findings"),[l,u]=w(null),h=oe(()=>{let g={},v={};for(let f of s?.vulnerabilities||[]){let y=(f.severity||"UNKNOWN").toUpperCase();g[y]=(g[y]||0)+1,f.fixed_version&&(v[y]=(v[y]||0)+1)}return{c:g,f:v}},[s]);if(a)return i`<h1>Image</h1><${C} error=${a} />`;let d=(r||[]).flatMap(g=>(g.tags&&g.tags.length?g.tags:[g.tag]).map(v=>g.registry+"/"+g.repository+":"+v)),p=r&&r.length?r[0].repository+":"+r[0].tag:s&&s.image?.reference||e,m=(r&&r.length?r[0].repository+"-"+r[0].tag:D(e)).replace(/[^A-Za-z0-9._-]+/g,"_");if(!s)return i`<h1>Image</h1><${P} />`;let c=s.image||{},_=s.os?s.os.pretty_name||s.os.id+" "+(s.os.version_id||""):"unknown",$=(s.coverage||[]).filter(g=>!g.covered),b=g=>{let v=Z.findIndex(([y])=>y===o),f=-1;g.key==="ArrowRight"&&(f=(v+1)%Z.length),g.key==="ArrowLeft"&&(f=(v+Z.length-1)%Z.length),f>=0&&(g.preventDefault(),n(Z[f][0]),document.getElementById("tab-"+Z[f][0]).focus())};return i`
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/images">Images</a> ›</nav>
    <h1 class="break">${p}</h1>
    ${d.length>0&&i`<p class="muted small" id="image-tags">${d.join(", ")}</p>`}
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
      ${_s.map(([g,v])=>i`<button type="button" class="small" onClick=${()=>{u(null),Ct(`/api/v1/images/${encodeURIComponent(e)}/report?format=${g}`,"report."+g).catch(u)}}>${v}</button>`)}
    </div>
    <${C} error=${l} />
    <${K} counts=${h.c} fixable=${h.f} />
    <div class="tabs" role="tablist" aria-label="Report sections" onKeyDown=${b}>
      ${Z.map(([g,v])=>i`<button type="button" role="tab" id=${"tab-"+g} aria-controls=${"panel-"+g}
          aria-selected=${o===g?"true":"false"} tabindex=${o===g?0:-1} onClick=${()=>n(g)}>${v}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+o} aria-labelledby=${"tab-"+o} class="panel">
      ${o==="findings"&&i`<${Ye} rep=${s} name=${m} />`}
      ${o==="layers"&&i`<${ys} rep=${s} />`}
      ${o==="packages"&&i`<${ze} rep=${s} name=${m} />`}
    </section>`}function ks({id:e}){let{data:t,error:s}=L(()=>x("/api/v1/vulnerabilities/"+encodeURIComponent(e)),[e]);return s?i`<h1 class="break">${e}</h1>
      ${s.status===404?i`<p class="empty">No scanned image has ${e}.</p>`:i`<${C} error=${s} />`}`:t?i`
    <h1 class="break">${t.id} <span class=${B(t.severity)}>${t.severity}</span><${qe} kev=${t.kev} /><${We} epss=${t.epss} /></h1>
    ${t.title&&i`<p class="vuln-title"><strong>${t.title}</strong></p>`}
    ${t.aliases.length>0&&i`<p>Also known as ${t.aliases.join(", ")}</p>`}
    ${t.description&&i`<p class="description">${t.description}</p>`}
    <dl class="facts vuln-facts">
      <div><dt>Severity</dt><dd>${t.severity}${t.severity_source?" (from "+t.severity_source+")":""}</dd></div>
      ${t.cvss&&t.cvss.length>0&&i`<div class="wide-fact"><dt>CVSS</dt><dd><${Ke} cvss=${t.cvss} /></dd></div>`}
      ${t.kev&&i`<div><dt>Known exploited</dt><dd>CISA KEV since ${t.kev.date_added}${t.kev.due_date?", due "+t.kev.due_date:""}</dd></div>`}
      ${t.epss&&i`<div><dt>EPSS</dt><dd>${(t.epss.score*100).toFixed(2)}% (percentile ${Math.round(t.epss.percentile*100)})</dd></div>`}
    </dl>
    ${t.references.length>0&&i`<details open=${t.references.length<=5}><summary>References (${t.references.length})</summary><${Ge} refs=${t.references} /></details>`}
    <div class="list-tools">
      <h2>${t.images.length} affected image${t.images.length===1?"":"s"}</h2>
      <${E} name=${t.id+"-images"} columns=${ws} rows=${()=>t.images.flatMap(a=>a.findings.map(r=>({im:a,f:r})))} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Images affected by ${t.id}</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">Package</th><th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
      <tbody>
        ${t.images.map(a=>a.findings.map((r,o)=>i`<tr key=${a.digest+o}>
              ${o===0&&i`<th scope="row" rowspan=${a.findings.length}>
                <a href=${T(["image",a.digest])}>${a.repository}:${a.tag}</a>
                ${(a.tags||[]).filter(n=>n!==a.tag).length>0&&i`<div class="small">also ${(a.tags||[]).filter(n=>n!==a.tag).map(n=>":"+n).join(", ")}</div>`}
                <div class="small muted mono">${a.registry} · ${D(a.digest)}</div>
              </th>`}
              <td>${r.package}</td>
              <td class="mono small">${r.installed_version} → ${r.fixed_version?i`<strong>${r.fixed_version}</strong>`:i`<span class="nofix">no fix</span>`}</td>
              ${o===0&&i`<td class="hide-sm" rowspan=${a.findings.length}>${M(a.scanned_at)}</td>`}
            </tr>`))}
      </tbody>
    </table></div>`:i`<h1 class="break">${e}</h1><${P} />`}var ws=[["registry",e=>e.im.registry],["repository",e=>e.im.repository],["tags",e=>e.im.tags&&e.im.tags.length?e.im.tags:[e.im.tag]],["digest",e=>e.im.digest],["package",e=>e.f.package],["installed_version",e=>e.f.installed_version],["fixed_version",e=>e.f.fixed_version],["scanned_at",e=>e.im.scanned_at]],xs=[["id",e=>e.id],["worst_severity",e=>e.severity],["images",e=>e.images]];function Vt({id:e,query:t}){let[s,a]=be(t.q||e||""),r=t.q||"",{data:o,error:n}=L(()=>e?Promise.resolve(null):x("/api/v1/vulnerabilities"+V({q:r,limit:100})),[r,e]);async function l(u){u.preventDefault();let h=s.trim();if(/^(CVE|GHSA|GO|PYSEC|RUSTSEC|ALSA|DSA|DLA|OSV)-/i.test(h))try{let p=(await x("/api/v1/vulnerabilities"+V({q:h,limit:5}))).find(m=>m.id.toLowerCase()===h.toLowerCase());if(p)return re(["vulnerabilities",p.id])}catch{}re(["vulnerabilities"],{q:h})}return i`
    ${e?i`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/vulnerabilities">Vulnerabilities</a> ›</nav>`:i`<div class="page-head"><h1>Vulnerabilities</h1></div>`}
    <form class="filters" role="search" aria-label="Find a vulnerability" onSubmit=${l}>
      <div class="field grow">
        <label for="cve-q">Vulnerability ID</label>
        <input id="cve-q" type="search" placeholder="CVE-2024-9143, GHSA-…, GO-…" value=${s} onInput=${u=>a(u.currentTarget.value)} />
      </div>
      <button type="submit" class="primary">Find</button>
    </form>
    ${e?i`<${ks} id=${e} />`:i`
        <${C} error=${n} />
        ${!o&&!n&&i`<${P} />`}
        ${o&&o.length===0&&i`<p class="empty">${r?"No scanned image has a vulnerability matching \u201C"+r+"\u201D.":"No findings stored yet."}</p>`}
        ${o&&o.length>0&&i`<div class="list-tools"><h2>${r?"Matching vulnerabilities":"Most widespread vulnerabilities"}</h2>
          <${E} name="vulnerabilities" columns=${xs} rows=${()=>x("/api/v1/vulnerabilities"+V({q:r,limit:1e3}))} /></div>
        <div class="table-wrap"><table class="data">
          <caption class="sr-only">Vulnerabilities and how many images have them</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Worst severity</th><th scope="col" class="num">Images</th></tr></thead>
          <tbody>${o.map(u=>i`<tr key=${u.id}><th scope="row"><a href=${T(["vulnerabilities",u.id])}>${u.id}</a></th>
              <td><span class=${B(u.severity)}>${u.severity}</span></td><td class="num">${u.images}</td></tr>`)}</tbody>
        </table></div>`}`}`}var Ss=[["id",e=>e.id],["name",e=>e.name],["state",e=>e.state],["version",e=>e.version],["concurrency",e=>e.concurrency],["current_images",e=>e.current_images||[]],["done",e=>e.done],["failed",e=>e.failed],["db_digest",e=>e.db_digest],["last_seen",e=>e.last_seen]];function Cs(e){let t=(new Date(e.last_seen)-new Date(e.registered_at))/6e4;return!(t>.05)||!e.done?"\u2014":(e.done/t).toFixed(1)+"/min"}function Ls({cfg:e,onSaved:t}){let[s,a]=w({...e}),[r,o]=w(null);async function n(l){l.preventDefault(),o(null);try{await x("/api/v1/autoscaler",{method:"PUT",body:{strategy:s.strategy,minScannerPods:Number(s.minScannerPods),maxScannerPods:Number(s.maxScannerPods)}}),t()}catch(u){o(u)}}return i`<form class="inline-form" onSubmit=${n} aria-label="Auto-scaler settings">
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
  </form>`}function Bt({role:e}){let t=L(()=>x("/api/v1/scanners"),[],3e3),s=L(()=>x("/api/v1/queue/history"),[],5e3),a=L(()=>x("/api/v1/autoscaler"),[],5e3),r=(t.data||[]).slice().sort((l,u)=>(l.state==="active"?0:1)-(u.state==="active"?0:1)),o=s.data?.samples||[],n=o[o.length-1];return i`
    <div class="page-head"><h1>Scanners</h1></div>
    ${n&&i`<ul class="stats" aria-label="Queue now">
      <li><strong>${n.queued}</strong> waiting</li><li><strong>${n.leased}</strong> scanning</li>
      <li><strong>${n.done}</strong> done</li><li><strong>${n.failed}</strong> failed</li>
      <li><strong>${n.scanners}</strong> active scanners</li>
    </ul>`}
    <${C} error=${s.error} />
    <${we} samples=${o} title="Queue length"
      series=${[{key:"queued",label:"waiting",color:"#d2461c"},{key:"leased",label:"scanning",color:"#2f6db3"},{key:"scanners",label:"scanners",color:"#2e7d32"}]} />
    <div class="list-tools"><h2>Scanners</h2>${r.length>0&&i`<${E} name="scanners" columns=${Ss} rows=${()=>r} />`}</div>
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
          <td class="small mono">${(l.current_images||[]).length?l.current_images.map(u=>i`<div class="break">${u}</div>`):i`<span class="muted">idle</span>`}</td>
          <td class="num">${l.done} / ${l.failed}</td>
          <td class="num">${Cs(l)}</td>
          <td class="hide-sm mono small">${l.db_digest?D(l.db_digest):i`<span class="muted">none</span>`}</td>
          <td class="hide-sm" title=${U(l.last_seen)}>${M(l.last_seen)}</td>
        </tr>`)}</tbody>
    </table></div>`}
    <h2>Auto-scaler</h2>
    <${C} error=${a.error} />
    ${a.data&&(a.data.enabled?i`<p>Strategy <strong>${a.data.config.strategy}</strong>, ${a.data.config.minScannerPods}–${a.data.config.maxScannerPods} scanners${a.data.replicas!==void 0?i`, <strong>${a.data.replicas}</strong> wanted now`:""}.</p>
        ${e==="admin"&&i`<${Ls} key=${JSON.stringify(a.data.config)} cfg=${a.data.config} onSaved=${a.reload} />`}
        <h3>Events</h3>
        ${a.data.events.length===0?i`<p class="empty">No scaling events yet.</p>`:i`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Auto-scaler events, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Scanners</th><th scope="col" class="num">Queued</th><th scope="col" class="hide-sm">Reason</th></tr></thead>
          <tbody>${a.data.events.slice().reverse().map((l,u)=>i`<tr key=${u}><td title=${U(l.time)}>${M(l.time)}</td><td>${l.kind}</td><td>${l.from} → ${l.to}</td>
              <td class="num">${l.taskCount}</td><td class="hide-sm small">${l.reason}</td></tr>`)}</tbody></table></div>`}`:i`<p class="empty">This controller does not start scanners itself (start it with <code>--local-scanners-max N</code> to let it scale them).</p>`)}`}var Es=[["name",e=>e.name],["action",e=>e.action],["disabled",e=>!!e.disabled],["mode",e=>e.mode],["criteria",e=>Ht(e.criteria)],["comment",e=>e.comment]],Ns=[["at",e=>e.d.at],["kind",e=>e.d.kind],["namespace",e=>e.d.namespace],["name",e=>e.d.name],["operation",e=>e.d.operation],["user",e=>e.d.user],["result",e=>e.d.result],["image",e=>e.im?.image],["digest",e=>e.im?.digest],["verdict",e=>e.im?.verdict?.action],["rule",e=>e.im?.verdict?.rule],["reason",e=>e.im?.verdict?.reason]];async function Je(e){try{return{value:await x(e)}}catch(t){if(t instanceof X&&t.status===404)return{absent:!0};throw t}}function Ht(e){return!e||typeof e!="object"?"":Object.entries(e).filter(([,t])=>t!=null&&t!==""&&t!==!1&&!(Array.isArray(t)&&t.length===0)).map(([t,s])=>{let a=t.replace(/_/g," ");return s===!0?a:Array.isArray(s)?a+": "+s.join(", "):typeof s=="object"?a+": "+Object.entries(s).map(([r,o])=>r+"="+o).join(", "):a+": "+s}).join("; ")}function Ts(e){return e==="denied"?"result deny":e==="would_deny"?"result warn-result":"result allow"}function qt(){return i`<div class="page-head"><h1>Admission</h1></div>
    <p class="empty" data-testid="no-admission">This controller does not serve Kubernetes admission reviews: it is the
      <code>scanfleet</code> binary, which answers <code>/admission</code> with 501. Run <code>scanfleet-controller controller</code>
      (the same controller with the Kubernetes integration) to judge workloads with admission rules.</p>`}function Wt(){let e=L(()=>Je("/api/v1/admission/settings"),[],0),t=L(()=>Je("/api/v1/admission/rules"),[],0),s=L(()=>Je("/api/v1/admission/decisions?limit=50"),[],5e3),a=t.data?.absent&&s.data?.absent,r=t.data?.value||[],o=s.data?.value||[],n=e.data?.value;return i`
    <div class="page-head"><h1>Admission</h1></div>
    ${a&&i`<p class="empty">Admission control is not available on this controller. When it is, its rules and the latest
      allow/deny decisions for Kubernetes workloads appear here.</p>`}
    ${!a&&i`
      ${n&&i`<p>Mode <strong>${n.mode}</strong> (${n.mode==="protect"?"deny rules refuse workloads":"deny rules only warn and record"});
        images without a scan result: <strong>${n.no_result}</strong>.</p>`}
      <div class="list-tools"><h2>Rules</h2>${r.length>0&&i`<${E} name="admission-rules" columns=${Es} rows=${()=>r} />`}</div>
      <${C} error=${t.error} />
      ${!t.data&&!t.error&&i`<${P} />`}
      ${t.data&&(r.length===0?i`<p class="empty">No admission rules: every image is allowed${n&&n.no_result==="deny"?", except those without a scan result":""}.</p>`:i`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Admission rules, in the order they are evaluated</caption>
          <thead><tr><th scope="col">Rule</th><th scope="col">Action</th><th scope="col">Matches</th><th scope="col" class="hide-sm">Mode</th></tr></thead>
          <tbody>${r.map(l=>i`<tr key=${l.name} class=${l.disabled?"disabled":""}>
              <th scope="row">${l.name}${l.disabled&&i` <span class="muted small">(disabled)</span>`}
                ${l.comment&&i`<div class="small muted">${l.comment}</div>`}</th>
              <td><span class=${l.action==="deny"?"result deny":"result allow"}>${l.action}</span></td>
              <td class="small">${Ht(l.criteria)}</td>
              <td class="hide-sm">${l.mode||(n?n.mode+" (global)":"global")}</td>
            </tr>`)}</tbody></table></div>`)}
      <div class="list-tools"><h2>Recent decisions</h2>${o.length>0&&i`<${E} name="admission-decisions" columns=${Ns}
          rows=${async()=>(await x("/api/v1/admission/decisions?limit=1000")).flatMap(u=>(u.images||[]).length?u.images.map(h=>({d:u,im:h})):[{d:u}])} />`}</div>
      <${C} error=${s.error} />
      ${!s.data&&!s.error&&i`<${P} />`}
      ${s.data&&(o.length===0?i`<p class="empty">No decisions yet.</p>`:i`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Recent admission decisions, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Workload</th><th scope="col">Result</th><th scope="col">Images</th><th scope="col" class="hide-sm">Message</th></tr></thead>
          <tbody>${o.map(l=>i`<tr key=${l.id}>
              <td title=${U(l.at)}>${M(l.at)}</td>
              <th scope="row">${l.kind} ${l.namespace}/${l.name}<div class="small muted">${l.operation} by ${l.user}${l.dry_run?" (dry run)":""}</div></th>
              <td><span class=${Ts(l.result)}>${(l.result||"").replace("_"," ")}</span></td>
              <td class="small">${(l.images||[]).map(u=>i`<div class="break"><span class="mono">${u.image}</span>: ${u.verdict?.action||"?"}${u.verdict?.rule?" by "+u.verdict.rule:""}
                  ${u.verdict?.reason&&i`<span class="muted"> — ${u.verdict.reason}</span>`}</div>`)}</td>
              <td class="hide-sm small">${l.message}</td>
            </tr>`)}</tbody></table></div>`)}`}`}var de=e=>Object.values(e||{}).reduce((t,s)=>t+s,0),Is=[["registry",e=>e.registry],["repository",e=>e.repository],["tag",e=>e.tag],["digest",e=>e.digest],["not_covered",e=>e.not_covered],["packages",e=>e.packages]],Ps=[["id",e=>e.id],["severity",e=>e.severity],["images",e=>e.images],["packages",e=>e.packages]],Rs=[["day",e=>e.day],["images",e=>e.images],["not_covered",e=>e.not_covered],["scans",e=>e.scans],...A.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>de(e.fixable)]];function Kt(){let{data:e,error:t}=L(()=>x("/api/v1/console/overview"),[],15e3);if(t&&!e)return i`<div class="page-head"><h1>Overview</h1></div><${C} error=${t} />`;if(!e)return i`<div class="page-head"><h1>Overview</h1></div><${P} />`;let s=de(e.severities),a=de(e.fixable),r=e.days.map(n=>({time:n.day+"T12:00:00Z",scans:n.scans,not_covered:n.not_covered,...Object.fromEntries(A.map(l=>[l,(n.severities||{})[l]||0]))})),o=n=>new Date(n).toLocaleDateString([],{month:"short",day:"numeric"});return i`
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
      <${K} counts=${e.severities} fixable=${e.fixable} title="Findings in all images by severity" />
      <${Ot} days=${e.days} valueKey="scans" title="Scans per day" />
    </div>
    <${we} samples=${r} title="Findings by severity, per day" timeFmt=${o}
      series=${A.filter(n=>r.some(l=>l[n]>0)).map(n=>({key:n,label:n.toLowerCase(),color:le(n)}))} />
    ${r.length<2&&i`<p class="hint">Trends start with the day this controller first recorded its totals; come back tomorrow.</p>`}

    <div class="list-tools"><h2>Most widespread fixable findings</h2>
      <${E} name="fixable-findings" columns=${Ps} rows=${()=>e.top_fixable} /></div>
    ${e.top_fixable.length===0?i`<p class="empty">No finding with a fixed version.</p>`:i`<div class="table-wrap"><table class="data top-fixable">
      <caption class="sr-only">Vulnerabilities with a fix, by how many images carry them</caption>
      <thead><tr><th scope="col">Vulnerability</th><th scope="col">Severity</th><th scope="col" class="num">Images</th><th scope="col">Packages</th></tr></thead>
      <tbody>${e.top_fixable.map(n=>i`<tr key=${n.id}><th scope="row"><a href=${T(["vulnerabilities",n.id])}>${n.id}</a></th>
          <td><span class=${B(n.severity)}>${n.severity}</span></td><td class="num">${n.images}</td><td>${n.packages.join(", ")}</td></tr>`)}</tbody></table></div>`}

    <div class="list-tools"><h2>Images not covered by the database</h2>
      <${E} name="not-covered-images" columns=${Is} rows=${()=>e.uncovered} /></div>
    ${e.uncovered.length===0?i`<p class="empty">The database covers every scanned image's OS and ecosystems.</p>`:i`<div class="table-wrap"><table class="data uncovered">
      <caption class="sr-only">Images whose OS release or ecosystems the database has no data for</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">No data for</th><th scope="col" class="num">Packages</th></tr></thead>
      <tbody>${e.uncovered.map(n=>i`<tr key=${n.registry+n.repository+n.digest}><th scope="row"><a href=${T(["image",n.digest])}>${n.repository}:${n.tag}</a>
          <div class="small muted mono">${n.registry} · ${D(n.digest)}</div></th>
          <td><span class="nc-badge">${n.not_covered.join(", ")}</span></td><td class="num">${n.packages}</td></tr>`)}</tbody></table></div>`}
    <div class="list-tools"><h2>Daily totals</h2><${E} name="daily-totals" columns=${Rs} rows=${()=>e.days} /></div>
    <div class="table-wrap"><table class="data days">
      <caption class="sr-only">Totals per day, newest first</caption>
      <thead><tr><th scope="col">Day</th><th scope="col" class="num">Scans</th><th scope="col" class="num">Images</th>
        <th scope="col" class="num">Not covered</th><th scope="col" class="num">Findings</th><th scope="col" class="num hide-sm">With a fix</th></tr></thead>
      <tbody>${[...e.days].reverse().map(n=>i`<tr key=${n.day}><th scope="row">${n.day}</th><td class="num">${n.scans}</td><td class="num">${n.images}</td>
          <td class="num">${n.not_covered}</td><td class="num">${de(n.severities)}</td><td class="num hide-sm">${de(n.fixable)}</td></tr>`)}</tbody></table></div>`}var As=[["name",e=>e.name],["hostname",e=>e.hostname],["os",e=>e.os],["kernel",e=>e.kernel],["root",e=>e.root],["coverage",e=>e.coverage],["not_covered",e=>e.not_covered||[]],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...A.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["scanned_by",e=>e.scanned_by],["scanned_at",e=>e.scanned_at]];function Gt(){let{data:e,error:t}=L(()=>x("/api/v1/console/hosts"),[],15e3);return i`
    <div class="page-head"><h1>Hosts</h1></div>
    <${C} error=${t} />
    ${!e&&!t&&i`<${P} />`}
    ${e&&(e.length===0?i`<p class="empty">No host has sent a scan yet. Run <code>scanfleet host --controller URL</code> on a machine (or in a container with <code>--root /proc/1/root</code>).</p>`:i`
      <div class="list-tools"><p role="status"><strong>${e.length}</strong> host${e.length===1?"":"s"}${e.some(s=>s.coverage==="not_covered")?i`, <strong>${e.filter(s=>s.coverage==="not_covered").length}</strong> not covered`:""}</p><${E} name="hosts" columns=${As} rows=${()=>e} /></div>
      <div class="table-wrap"><table class="data hosts">
        <caption class="sr-only">Scanned hosts</caption>
        <thead><tr><th scope="col">Host</th><th scope="col" class="hide-sm">OS · kernel</th><th scope="col">Findings by severity</th>
          <th scope="col" class="num hide-sm">Packages</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
        <tbody>${e.map(s=>i`<tr key=${s.name}>
            <th scope="row"><a href=${T(["host",s.name])}>${s.name}</a>
              ${s.hostname!==s.name&&i`<div class="small muted">${s.hostname}</div>`}
              <div class="small muted mono">${s.root}</div></th>
            <td class="hide-sm">${s.os||i`<span class="muted">unknown</span>`}${s.kernel&&i`<div class="small muted">kernel ${s.kernel}</div>`}</td>
            <td><${He} sev=${s.severities} coverage=${s.coverage} notCovered=${s.not_covered} /></td>
            <td class="num hide-sm">${s.packages}</td>
            <td class="hide-sm" title=${s.scanned_at}>${M(s.scanned_at)}<div class="small muted">${s.scanned_by}</div></td>
          </tr>`)}</tbody>
      </table></div>`)}`}var Ds=[["findings","Findings"],["packages","Packages"]];function Yt({name:e}){let{data:t,error:s}=L(()=>x("/api/v1/hosts/"+encodeURIComponent(e)),[e]),[a,r]=w("findings"),o=i`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/hosts">Hosts</a> ›</nav>`;if(s)return i`${o}<h1 class="break">${e}</h1><${C} error=${s} />`;if(!t)return i`${o}<h1 class="break">${e}</h1><${P} />`;let n=t.host||{},l=t.os?t.os.pretty_name||t.os.id+" "+(t.os.version_id||""):"unknown",u=(t.coverage||[]).filter(m=>!m.covered),h={},d={};for(let m of t.vulnerabilities||[]){let c=(m.severity||"UNKNOWN").toUpperCase();h[c]=(h[c]||0)+1,m.fixed_version&&(d[c]=(d[c]||0)+1)}let p=e.replace(/[^A-Za-z0-9._-]+/g,"_");return i`
    ${o}
    <h1 class="break">${e}</h1>
    <dl class="facts">
      <div><dt>Hostname</dt><dd>${n.hostname||"unknown"}</dd></div>
      <div><dt>OS</dt><dd>${l}</dd></div>
      ${n.kernel&&i`<div><dt>Kernel</dt><dd>${n.kernel}</dd></div>`}
      <div><dt>Root</dt><dd class="mono small">${n.root}</dd></div>
      <div><dt>Scanned</dt><dd>${U(t.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(t.packages||[]).length}</dd></div>
      ${t.db&&i`<div><dt>Database</dt><dd><span class="mono small">${D(t.db.digest)}</span></dd></div>`}
    </dl>
    ${u.length>0&&i`<p class="warn" role="note">Not covered by the database: ${u.map(m=>m.ecosystem+" ("+m.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    ${!t.coverage&&(t.packages||[]).length>0&&i`<p class="note"><${ke} coverage="unknown" /></p>`}
    <div class="downloads"><button type="button" class="small" onClick=${()=>Ve(p+".json",JSON.stringify(t,null,2),"application/json")}>Download report (JSON)</button></div>
    <${K} counts=${h} fixable=${d} />
    <div class="tabs" role="tablist" aria-label="Report sections">
      ${Ds.map(([m,c])=>i`<button type="button" role="tab" id=${"tab-"+m} aria-controls=${"panel-"+m}
          aria-selected=${a===m?"true":"false"} tabindex=${a===m?0:-1} onClick=${()=>r(m)}>${c}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+a} aria-labelledby=${"tab-"+a} class="panel">
      ${a==="findings"&&i`<${Ye} rep=${t} name=${p} />`}
      ${a==="packages"&&i`<${ze} rep=${t} name=${p} />`}
    </section>`}var Ms=[{key:"overview",label:"Overview"},{key:"registries",label:"Registries"},{key:"images",label:"Images"},{key:"hosts",label:"Hosts"},{key:"vulnerabilities",label:"Vulnerabilities"},{key:"scanners",label:"Scanners"},{key:"admission",label:"Admission",needs:"admission_webhook"}];function Os(){let[e,t]=w(Fe());return F(()=>{let s=()=>t(Fe());return addEventListener("hashchange",s),()=>removeEventListener("hashchange",s)},[]),e}function Us({onLogin:e}){let[t,s]=w(""),[a,r]=w(""),[o,n]=w(!1);async function l(u){u.preventDefault(),n(!0),r("");let h=t.trim();try{let d=await x("/api/v1/whoami",{token:h});e(d),ye(h)}catch(d){r(d.status===401?"This token is not valid.":d.message),n(!1)}}return i`<main id="main" class="login">
    <form class="card login-card" onSubmit=${l} aria-labelledby="login-title">
      <h1 id="login-title"><img src="/console/favicon.svg" alt="" width="28" height="28" /> Scanfleet</h1>
      <p>Log in with an API token (<code>scanfleet controller token create --role admin|reader</code>).</p>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required
        value=${t} onInput=${u=>s(u.currentTarget.value)} autofocus />
      ${a&&i`<p class="error" role="alert">${a}</p>`}
      <button type="submit" class="primary" disabled=${o}>${o?"Checking\u2026":"Log in"}</button>
    </form>
  </main>`}function js({role:e,who:t,route:s,onLogout:a}){let r=s.parts[0]||"images",o=Q(null),n=Q(!0);F(()=>{if(n.current){n.current=!1;return}o.current&&o.current.focus()},[r,s.parts[1]]);let l;switch(r){case"registries":l=i`<${At} role=${e} />`;break;case"image":l=i`<${Ft} digest=${s.parts[1]} query=${s.query} />`;break;case"vulnerabilities":l=i`<${Vt} id=${s.parts[1]} query=${s.query} />`;break;case"scanners":l=i`<${Bt} role=${e} />`;break;case"admission":l=t&&!t.admission_webhook?i`<${qt} />`:i`<${Wt} />`;break;case"overview":l=i`<${Kt} />`;break;case"hosts":l=i`<${Gt} />`;break;case"host":l=i`<${Yt} name=${s.parts[1]} />`;break;case"images":l=i`<${Ut} query=${s.query} />`;break;default:l=i`<h1>Not found</h1><p>No page “${r}”. <a href="#/images">Go to images</a>.</p>`}let u=r==="image"?"images":r==="host"?"hosts":r,h=Ms.filter(d=>!d.needs||t&&t[d.needs]);return i`
    <a class="skip" href="#main" onClick=${d=>{d.preventDefault(),o.current.focus()}}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/images"><img src="/console/favicon.svg" alt="" width="24" height="24" /> Scanfleet</a>
      <nav aria-label="Main">
        <ul>
          ${h.map(d=>i`<li><a href=${T([d.key])} aria-current=${u===d.key?"page":void 0}>${d.label}</a></li>`)}
        </ul>
      </nav>
      <div class="who">
        <span class="role" title="Role of your token">${e}</span>
        <button type="button" class="link" onClick=${a}>Log out</button>
      </div>
    </header>
    <main id="main" tabindex="-1" ref=${o}>${l}</main>`}function Fs(){let e=Os(),[t,s]=w(xt()),[a,r]=w(null),o=a?a.role:"";return F(()=>St(n=>s(n)),[]),F(()=>{!t||a||x("/api/v1/whoami").then(n=>r(n)).catch(()=>{})},[t]),F(()=>{document.title="Scanfleet \xB7 "+(t?e.parts[0]||"images":"log in")},[t,e.parts[0]]),t?i`<${js} role=${o} who=${a} route=${e} onLogout=${()=>{r(null),ye("")}} />`:i`<${Us} onLogin=${n=>r(n)} />`}dt(i`<${Fs} />`,document.getElementById("app"));
